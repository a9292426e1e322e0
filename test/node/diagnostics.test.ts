import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { KioskConfig, type KioskConfigInput } from '../../shared/config';
import type { DeviceStatus } from '../../shared/contract';
import { createAuditLog, readAuditLog } from '../../electron/host/audit';
import { configForDiagnostics, createDiagnostics, type DiagnosticsOptions } from '../../electron/host/diagnostics';
import { hashPin } from '../../electron/host/helpers';
import { createFileLogger, logDir } from '../../electron/host/log';
import { sha256Hex } from '../../electron/host/sha256';
import { tempDir } from '../support/kiosk';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));
const temp = (prefix: string) => {
  const data = tempDir(prefix);
  cleanups.push(data.remove);
  return data.dir;
};

const CANARY = {
  cccd: '079123456789',
  cmnd: '381234567',
  name: 'Nguyễn Thị Canary',
  phone: '0912345678',
  email: 'canary.nguyen@mail.example.vn',
  address: 'Số 7 Ngõ Canary, Phường Hoàn Kiếm',
  helperName: 'Trần Văn Canaryhelper',
  enrolmentCode: 'ENROL-CANARY-7Q2X',
  urlPassword: 's3cret-canary',
};

/** Every form a canary could take in the bytes: as written, NFC and NFD (a scanner may hand over either). */
const canaryForms = (pinHash: string) =>
  [...Object.values(CANARY), pinHash, pinHash.split('$').at(-1)!].flatMap((value) => [...new Set([value, value.normalize('NFC'), value.normalize('NFD')])]);

const config = async (input: KioskConfigInput = {}) =>
  KioskConfig.parse({
    name: 'Điểm hỗ trợ Phường Hoàn Kiếm',
    commune: { code: '00070', name: 'Phường Hoàn Kiếm' },
    helpers: [{ id: 'lan', name: CANARY.helperName, pinHash: await hashPin('246810', 100_000), role: 'technician' }],
    portal: { url: `http://kiosk:${CANARY.urlPassword}@127.0.0.1:8787`, enrolmentCode: CANARY.enrolmentCode },
    ...input,
  });

const DEVICES: DeviceStatus[] = [
  { id: 'qr-1', kind: 'qrScanner', driver: 'simulator', state: 'ready' },
  { id: 'printer-1', kind: 'printer', driver: 'usb', state: 'offline' },
];
const QUEUE = { queueDepth: 3, oldestUnsentAgeSeconds: 5400, freeBytes: 52_428_800_000, queueStore: 'indexedDb' as const, byStatus: { queued: 2, needsHelp: 1 } };
/** 08:15:30 on 24 November 2026 in Hanoi. */
const NOW = new Date('2026-11-24T01:15:30Z');

/** Lines as an older kiosk wrote them, before redaction: each carries a canary where a bug could put one. */
const OLD_LINES = [
  { time: '2026-11-23T03:00:00.000Z', level: 'info', event: 'card.read', fullName: CANARY.name, hoTen: CANARY.name.normalize('NFD'), diaChi: CANARY.address },
  { time: '2026-11-23T03:00:01.000Z', level: 'error', event: 'qr.rejected', text: `${CANARY.cccd}|${CANARY.cmnd}|${CANARY.name}|01011990|Nữ|${CANARY.address}|01012021` },
  { time: '2026-11-23T03:00:02.000Z', level: 'info', event: 'dossier.saved', dossier: { answers: { applicantName: CANARY.name }, applicant: { phone: CANARY.phone, email: CANARY.email } } },
  { time: '2026-11-23T03:00:03.000Z', level: 'error', event: 'host.handlerFailed', error: { name: 'Error', message: `no chip for ${CANARY.cccd}, call ${CANARY.phone} or ${CANARY.email}` } },
].map((line) => JSON.stringify(line));

/** A data folder as a kiosk leaves it: logs of several days, an audit log, one line of each holding canaries. */
async function seededDataDir() {
  const dataDir = temp('diag-data');
  const logs = logDir(dataDir);
  mkdirSync(logs, { recursive: true });
  writeFileSync(path.join(logs, 'kiosk-2026-11-23.log'), [...OLD_LINES, `plain text from an old build: card ${CANARY.cccd}`].join('\n') + '\n');
  // Kept by the sink (14 days), older than the bundle's two days.
  writeFileSync(path.join(logs, 'kiosk-2026-11-22.log'), `${OLD_LINES[0]}\n`);
  // Today's lines go through the real sink.
  const log = createFileLogger({ dataDir, now: () => NOW, echo: () => undefined });
  log.info('card.read', { cccd: CANARY.cccd, person: { fullName: CANARY.name, phone: CANARY.phone } });
  log.error('portal.enrolFailed', { enrolmentCode: CANARY.enrolmentCode, message: `for ${CANARY.email}` });
  await log.close();
  const auditFile = path.join(dataDir, 'audit.jsonl');
  const audit = createAuditLog(auditFile, () => NOW);
  await audit.append({ action: 'helper.signIn', helper: 'lan' });
  await audit.append({ action: 'guidance.given', helper: 'lan' });
  // A line a bug might write: the log is exported as it is, so the export must catch it.
  await appendFile(auditFile, `${JSON.stringify({ seq: 3, at: NOW.toISOString(), action: 'assist.step', helper: 'lan', step: CANARY.cccd, fullName: CANARY.name, phone: CANARY.phone })}\n`);
  return { dataDir, auditFile };
}

function diagnostics(options: Pick<DiagnosticsOptions, 'dataDir' | 'auditFile' | 'config' | 'usbDrives' | 'logDays'>) {
  return createDiagnostics({
    ...options,
    app: { name: 'Điểm hỗ trợ Phường Hoàn Kiếm', version: '1.2.3', host: 'web', startedAt: '2026-11-24T00:15:30.000Z' },
    kioskId: async () => 'kiosk-hk-01',
    devices: () => DEVICES,
    detect: async () => [{ kind: 'printer', driver: 'cups', available: true, candidates: [{ kind: 'printer', label: 'office_a4 (ipp://10.0.0.5/ipp/print)', config: { driver: 'cups', queue: 'office_a4' } }] }],
    now: () => NOW,
  });
}

/** Every file under the folder, by its path inside it with '/'. */
const filesUnder = (folder: string): Map<string, Buffer> =>
  new Map(
    readdirSync(folder, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const file = path.join(entry.parentPath, entry.name);
        return [path.relative(folder, file).split(path.sep).join('/'), readFileSync(file)] as const;
      }),
  );

test('the config keeps what a technician needs and loses its secrets and helpers’ names; every field is decided', async () => {
  const full = await config({
    payee: { bankBin: '970436', accountNumber: '0011004567890', accountName: 'UBND PHUONG HOAN KIEM' },
    usbDirs: ['/media/usb'],
    devices: { documentScanner: { driver: 'escl', url: `http://scan:${CANARY.urlPassword}@192.168.1.20/eSCL` } },
  });
  const exported = configForDiagnostics(full);
  const text = JSON.stringify(exported);
  for (const secret of [full.helpers[0]!.pinHash, CANARY.enrolmentCode, CANARY.urlPassword, CANARY.helperName]) expect(text).not.toContain(secret);
  expect(text).not.toMatch(/pinHash|enrolmentCode/);
  expect(Object.keys(exported).sort()).toEqual(Object.keys(KioskConfig.shape).sort());
  expect(exported).toMatchObject({
    name: 'Điểm hỗ trợ Phường Hoàn Kiếm',
    commune: { code: '00070', name: 'Phường Hoàn Kiếm' },
    helpers: [{ id: 'lan', role: 'technician' }],
    helperSignIn: full.helperSignIn,
    payee: full.payee,
    usbDirs: ['/media/usb'],
    portal: { url: 'http://127.0.0.1:8787/', timeoutMs: 5000 },
    speech: full.speech,
    devices: { documentScanner: { driver: 'escl', url: 'http://192.168.1.20/eSCL' } },
    retentionDays: 30,
  });
  // A URL without credentials is left exactly as configured.
  expect(configForDiagnostics(await config({ portal: { url: 'http://127.0.0.1:8787' } }))).toMatchObject({ portal: { url: 'http://127.0.0.1:8787' } });
});

test('the bundle holds no canary, in the kiosk’s copy and on the stick, and its manifest checks', async () => {
  const { dataDir, auditFile } = await seededDataDir();
  const kioskConfig = await config();
  const usb = temp('diag-usb');
  const result = await diagnostics({ dataDir, auditFile, config: kioskConfig, usbDrives: async () => [usb], logDays: 2 }).export(QUEUE);
  expect(readdirSync(logDir(dataDir))).toContain('kiosk-2026-11-22.log');

  expect(result).toEqual({
    name: '2026-11-24_08-15-30',
    folders: [path.join(dataDir, 'diagnostics', '2026-11-24_08-15-30'), path.join(usb, 'DVC-Kiosk', 'chan-doan', '2026-11-24_08-15-30')],
    failedDrives: [],
  });
  const [local, stick] = result.folders.map(filesUnder) as [Map<string, Buffer>, Map<string, Buffer>];
  expect([...local.keys()].sort()).toEqual(
    ['README.txt', 'app.json', 'audit.jsonl', 'config.json', 'detected-devices.json', 'devices.json', 'logs/kiosk-2026-11-23.log', 'logs/kiosk-2026-11-24.log', 'manifest.json', 'queue.json'],
  );
  expect(stick).toEqual(local);

  // Raw bytes of every file, against every form of every canary.
  const forms = canaryForms(kioskConfig.helpers[0]!.pinHash);
  const found = [...local].flatMap(([file, bytes]) => forms.filter((form) => bytes.includes(Buffer.from(form))).map((form) => `${file}: ${form}`));
  expect(found).toEqual([]);

  const manifest = JSON.parse(local.get('manifest.json')!.toString()) as { createdAt: string; files: Array<{ path: string; size: number; sha256: string }> };
  expect(manifest.createdAt).toBe(NOW.toISOString());
  expect(manifest.files.map((file) => file.path).sort()).toEqual([...local.keys()].filter((file) => file !== 'manifest.json').sort());
  for (const file of manifest.files) expect(file).toEqual({ path: file.path, size: local.get(file.path)!.length, sha256: sha256Hex(local.get(file.path)!) });

  const json = (file: string) => JSON.parse(local.get(file)!.toString()) as unknown;
  expect(json('app.json')).toMatchObject({
    version: '1.2.3',
    host: 'web',
    kioskId: 'kiosk-hk-01',
    portalUrl: 'http://127.0.0.1:8787/',
    uptimeSeconds: 3600,
    clock: { utc: NOW.toISOString(), vietnam: '2026-11-24T08:15:30+07:00' },
  });
  expect(json('devices.json')).toEqual(DEVICES);
  expect(json('detected-devices.json')).toMatchObject([{ kind: 'printer', candidates: [{ config: { queue: 'office_a4' } }] }]);
  expect(json('queue.json')).toEqual(QUEUE);
  expect(json('config.json')).toEqual(JSON.parse(JSON.stringify(configForDiagnostics(kioskConfig))));
  expect(local.get('README.txt')!.toString()).toMatch(/gói chẩn đoán[\s\S]*diagnostics bundle/);

  // Redaction keeps what makes a line useful: its event, its time, and the audit chain of clean lines.
  const oldLog = local.get('logs/kiosk-2026-11-23.log')!.toString().split('\n').filter(Boolean);
  expect(oldLog.map((line) => (line.startsWith('{') ? (JSON.parse(line) as { event: string }).event : line))).toEqual([
    'card.read', 'qr.rejected', 'dossier.saved', 'host.handlerFailed', 'plain text from an old build: card [cccd]',
  ]);
  const copiedAudit = path.join(result.folders[0]!, 'audit.jsonl');
  expect(await readAuditLog(copiedAudit)).toMatchObject({ entries: [{ seq: 1 }, { seq: 2 }], brokenAt: 3 });
  expect(local.get('audit.jsonl')!.toString().split('\n').slice(0, 2)).toEqual(readFileSync(auditFile, 'utf8').split('\n').slice(0, 2));
});

test('a stick that cannot be written is reported, and the kiosk’s copy and the other sticks are written', async () => {
  const dataDir = temp('diag-fresh');
  const usb = temp('diag-usb');
  // Root writes through a read-only mode bit, so the failing drive is a file where its folder should be.
  const notAFolder = path.join(usb, 'pulled-out');
  writeFileSync(notAFolder, '');
  const good = path.join(usb, 'good');
  const result = await diagnostics({ dataDir, auditFile: path.join(dataDir, 'audit.jsonl'), config: await config(), usbDrives: async () => [notAFolder, good] }).export(QUEUE);
  expect(result.failedDrives).toEqual([notAFolder]);
  expect(result.folders).toEqual([path.join(dataDir, 'diagnostics', result.name), path.join(good, 'DVC-Kiosk', 'chan-doan', result.name)]);
  // A kiosk with no logs or audit entries yet still gives a whole bundle.
  const files = filesUnder(result.folders[1]!);
  expect([...files.keys()].sort()).toEqual(['README.txt', 'app.json', 'audit.jsonl', 'config.json', 'detected-devices.json', 'devices.json', 'manifest.json', 'queue.json']);
  expect(files.get('audit.jsonl')!.length).toBe(0);
});
