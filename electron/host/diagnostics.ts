import { mkdir, readFile, statfs } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { KioskConfig } from '../../shared/config';
import type { DeviceStatus, MethodInput } from '../../shared/contract';
import { vietnamClock } from '../../shared/dossier/formEngine';
import { redact, redactLogLine } from '../../shared/redact';
import { writeFileAtomic } from './atomicFile';
import { firstDayKept, logDir, logFiles } from './log';
import { oneAtATime } from './oneAtATime';
import { sha256Hex } from './sha256';
import { fileTimeStamp, writeHereAndOnDrives } from './usbDrives';

const keep = <T>(value: T): T => value;

/** A URL as it is, or without the user and password it carries. */
function withoutCredentials(value: string): string {
  const url = new URL(value);
  if (!url.username && !url.password) return value;
  url.username = '';
  url.password = '';
  return url.href;
}

/**
 * What a technician may read of each config field. Every field must be listed (the type says so),
 * so a field added to KioskConfig does not reach a USB stick until someone has decided it may.
 */
const CONFIG_FIELDS: { [K in keyof KioskConfig]: (value: KioskConfig[K]) => unknown } = {
  // The support point's name, not a person's.
  name: keep,
  commune: keep,
  procedures: keep,
  minFreeStorageBytes: keep,
  retentionDays: keep,
  idleSeconds: keep,
  idleWarningSeconds: keep,
  provincialSettingsIssuedAt: keep,
  acceptWeakKeyStore: keep,
  // A PIN hash can be attacked offline (six digits are few), and a person's name is personal data.
  helpers: (helpers) => helpers.map(({ id, role }) => ({ id, role })),
  helperSignIn: keep,
  // The commune's account, printed in every VietQR code.
  payee: keep,
  // A CUPS queue's name and the lp command: no secret.
  officePrinter: keep,
  usbDirs: keep,
  updateUrl: (url) => url && withoutCredentials(url),
  // The enrolment code would let whoever holds the stick enrol as this kiosk.
  portal: ({ enrolmentCode: _code, ...portal }) => ({ ...portal, url: withoutCredentials(portal.url) }),
  speech: keep,
  devices: ({ documentScanner, ...devices }) => ({
    ...devices,
    documentScanner: documentScanner?.driver === 'escl' ? { ...documentScanner, url: withoutCredentials(documentScanner.url) } : documentScanner,
  }),
};

/** The kiosk config without its secrets (helper PIN hashes, the enrolment code, passwords in URLs) or the helpers' names. */
export function configForDiagnostics(config: KioskConfig): Record<string, unknown> {
  return Object.fromEntries(
    (Object.keys(CONFIG_FIELDS) as Array<keyof KioskConfig>).map((key) => [key, (CONFIG_FIELDS[key] as (value: unknown) => unknown)(config[key])]),
  );
}

/** What the renderer knows of its queue (IndexedDB is the renderer's): the heartbeat's figures and the counts by status. */
export type DiagnosticsQueue = MethodInput<'diagnostics.export'>['queue'];

export interface DiagnosticsOptions {
  dataDir: string;
  config: KioskConfig;
  app: { name: string; version: string; host: 'electron' | 'web'; startedAt: string };
  /** The kiosk's id once enrolled; must never start an enrolment. */
  kioskId: () => Promise<string | null>;
  devices: () => DeviceStatus[];
  /** What the system itself sees (electron/host/devices/detect.ts), beside what the config uses. */
  detect: () => Promise<unknown>;
  auditFile: string;
  usbDrives: () => Promise<string[]>;
  /** How many days of log files go into the bundle, today's included. */
  logDays?: number;
  now?: () => Date;
}

export interface DiagnosticsResult {
  /** The bundle's folder name, its time in Vietnam: `2026-11-24_08-15-30`. */
  name: string;
  /** Where the bundle was written: the kiosk's copy, then each USB drive's. */
  folders: string[];
  /** The USB drives that could not be written (pulled out, read-only, full). */
  failedDrives: string[];
}


const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const redactLines = (text: string) => text.split('\n').map((line) => (line ? redactLogLine(line) : line)).join('\n');
const readIfThere = (file: string) => readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? null : Promise.reject(error)));

const README = `DVC Kiosk – gói chẩn đoán / diagnostics bundle

Gói này giúp kỹ thuật viên tìm lỗi của ki-ốt. Không có dữ liệu cá nhân của người dân: số CCCD/CMND,
số điện thoại, thư điện tử và mọi trường mang họ tên, địa chỉ, ngày sinh đã được che trước khi ghi.
Không có bí mật: mã PIN (kể cả bản băm) và mã đăng ký với cổng dịch vụ công đã được bỏ.

  README.txt     tệp này
  app.json       phiên bản, kiểu máy chủ, thời gian chạy, địa chỉ cổng, mã ki-ốt, đồng hồ
  config.json    cấu hình ki-ốt, không có bí mật và không có tên cán bộ hỗ trợ
  devices.json   trạng thái các thiết bị (máy quét QR, đầu đọc thẻ, máy quét tài liệu, máy in)
  detected-devices.json  thiết bị mà hệ điều hành nhìn thấy (USB, PC/SC, SANE, CUPS), để so với cấu hình
  queue.json     hàng đợi hồ sơ: số hồ sơ chờ gửi, tuổi của hồ sơ chờ lâu nhất, dung lượng trống
  logs/          nhật ký các ngày gần nhất (đã che dữ liệu cá nhân)
  audit.jsonl    nhật ký kiểm tra của cán bộ hỗ trợ (chỉ có mã, không có dữ liệu cá nhân)
  manifest.json  mã SHA-256 và kích thước của từng tệp; được ghi sau cùng: thiếu tệp này là gói chưa ghi xong

This bundle helps a technician find what is wrong with the kiosk. It holds no citizen's personal
data: CCCD/CMND numbers, phone numbers, e-mail addresses and every field carrying a name, address
or date of birth were masked before anything was written. It holds no secrets: helper PINs (and
their hashes) and the portal enrolment code were removed.

  README.txt     this file
  app.json       version, host kind, uptime, portal address, kiosk id, clock
  config.json    the kiosk's config, without secrets or helpers' names
  devices.json   each device's state (QR scanner, card reader, document scanner, printer)
  detected-devices.json  the devices the system itself sees (USB, PC/SC, SANE, CUPS), to compare with the config
  queue.json     the dossier queue: dossiers waiting, the oldest one's age, free space
  logs/          the last days' logs (personal data masked)
  audit.jsonl    the helpers' audit log (ids only, no personal data)
  manifest.json  each file's SHA-256 and size; written last: a bundle without it was cut short
`;

/**
 * The diagnostics bundle (issue 8): what a technician needs to find a fault, and nothing personal
 * or secret, written to `diagnostics/<time>/` in the data folder and to
 * `DVC-Kiosk/chan-doan/<time>/` on each USB drive. Logs and the audit log are redacted again on
 * the way out: older lines may predate a rule.
 */
export function createDiagnostics({ dataDir, config, app, kioskId, devices, detect, auditFile, usbDrives, logDays = 14, now = () => new Date() }: DiagnosticsOptions) {
  // Two exports in the same second would share a folder: one at a time, each file whole.
  const serially = oneAtATime();

  async function bundle(queue: DiagnosticsQueue, at: Date): Promise<Map<string, string>> {
    const files = new Map<string, string>([['README.txt', README]]);
    const disk = await statfs(dataDir);
    files.set(
      'app.json',
      json({
        name: app.name,
        version: app.version,
        host: app.host,
        startedAt: app.startedAt,
        uptimeSeconds: Math.round((at.getTime() - Date.parse(app.startedAt)) / 1000),
        systemUptimeSeconds: Math.round(os.uptime()),
        portalUrl: withoutCredentials(config.portal.url),
        kioskId: await kioskId(),
        clock: { utc: at.toISOString(), vietnam: `${vietnamClock(at)}+07:00`, systemTimeZone: Intl.DateTimeFormat().resolvedOptions().timeZone },
        runtime: { node: process.versions.node, electron: process.versions.electron ?? null, platform: process.platform, arch: process.arch },
        dataDisk: { freeBytes: disk.bavail * disk.bsize, totalBytes: disk.blocks * disk.bsize },
      }),
    );
    files.set('config.json', json(configForDiagnostics(config)));
    files.set('devices.json', json(redact(devices())));
    files.set('detected-devices.json', json(redact(await detect())));
    files.set('queue.json', json(redact(queue)));
    const oldest = firstDayKept(logDays, at);
    for (const { day, file } of await logFiles(logDir(dataDir))) {
      // A file pruned since the listing is simply not there.
      const text = day >= oldest ? await readIfThere(file) : null;
      if (text !== null) files.set(`logs/${path.basename(file)}`, redactLines(text));
    }
    files.set('audit.jsonl', redactLines((await readIfThere(auditFile)) ?? ''));
    const manifest = [...files].map(([file, text]) => ({ path: file, size: Buffer.byteLength(text), sha256: sha256Hex(text) }));
    files.set('manifest.json', json({ createdAt: at.toISOString(), files: manifest }));
    return files;
  }

  /** Each file whole (temporary file, fsync, rename), the manifest last: a folder without one was cut short. */
  async function write(folder: string, files: Map<string, string>) {
    await mkdir(path.join(folder, 'logs'), { recursive: true });
    for (const [file, text] of files) await writeFileAtomic(path.join(folder, file), text, 0o644);
  }

  return {
    export(queue: DiagnosticsQueue): Promise<DiagnosticsResult> {
      return serially(async () => {
        const at = now();
        const name = fileTimeStamp(at);
        const files = await bundle(queue, at);
        const { folders, failedDrives } = await writeHereAndOnDrives(usbDrives, { local: path.join(dataDir, 'diagnostics', name), onDrive: path.join('chan-doan', name) }, (folder) => write(folder, files));
        return { name, folders, failedDrives };
      });
    },
  };
}
