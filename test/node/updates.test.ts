import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { KioskConfig } from '../../shared/config';
import { createHost } from '../../electron/host/createHost';
import { loadProvinceKeys } from '../../electron/host/provincial';
import { createInstaller } from '../../electron/host/update/installer';
import { UPDATE_FOLDER } from '../../electron/host/update/release';
import { httpSource, usbSource } from '../../electron/host/update/sources';
import { createUpdates } from '../../electron/host/update/updates';
import { startReferencePortal } from '../../scripts/reference-portal/server';
import { addRelease } from '../../scripts/updateFeed';
import { assetsDir, memoryLogger, tempDir } from '../support/kiosk';
import { codeOf } from '../support/errors';
import { startFaultProxy } from '../support/faultProxy';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * A kiosk installed as Linux's AppImage beside the reference portal's release feed. The "AppImage"
 * of each version is a script that writes its version to `ran` when it runs, as electron-updater
 * runs a replaced AppImage (APPIMAGE_EXIT_AFTER_INSTALL); its bytes say which version is installed.
 */
async function setUp({ version = '1.0.0', installedName = 'DVC-Kiosk.AppImage' } = {}) {
  const data = tempDir('updates');
  cleanups.push(data.remove);
  const portal = await startReferencePortal({ dbFile: path.join(data.dir, 'portal.sqlite'), port: 0 });
  cleanups.push(() => portal.app.close());
  const ran = path.join(data.dir, 'ran');
  /** `padding` bytes after the script's exit, for an installer big enough to cut in the middle. */
  const appImageOf = (of: string, padding = 0) => {
    const file = path.join(data.dir, 'builds', of, 'DVC-Kiosk.AppImage');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `#!/bin/sh\necho "${of} $APPIMAGE_EXIT_AFTER_INSTALL" >> '${ran}'\nexit 0\n${randomBytes(padding).toString('hex')}`);
    chmodSync(file, 0o755);
    return file;
  };
  const installed = path.join(data.dir, 'opt', installedName);
  // As the AppImage runtime sets it for the app it runs; electron-updater reads it there.
  const appImage = process.env.APPIMAGE;
  process.env.APPIMAGE = installed;
  cleanups.push(() => (appImage === undefined ? delete process.env.APPIMAGE : (process.env.APPIMAGE = appImage)));
  mkdirSync(path.dirname(installed), { recursive: true });
  cpSync(appImageOf(version), installed);
  const dataDir = path.join(data.dir, 'kiosk');
  const app = { quits: 0, exits: [] as number[] };
  const logger = memoryLogger();
  /** The kiosk's updates as the Electron main process makes them, for the version running. */
  const updatesOf = (running: string) =>
    createUpdates({
      dataDir,
      version: running,
      provinceKeys: () => loadProvinceKeys(assetsDir, { includeDemo: true }),
      log: logger.log,
      platform: 'linux',
      arch: 'x64',
      installer: createInstaller(
        { name: 'DVC Kiosk', version: running, dataDir, quit: () => void (app.quits += 1), exit: (code) => void app.exits.push(code) },
        logger.log,
        'linux',
      ),
    });
  const publish = (of: string, padding = 0) =>
    portal.publishRelease({ version: of, notes: { vi: `Bản ${of}`, en: `Version ${of}` }, artifacts: [{ file: appImageOf(of, padding), platform: 'linux' }] });
  const hostOf = (updates: ReturnType<typeof updatesOf> | undefined, { enrolmentCode }: { enrolmentCode?: string } = {}) => {
    const config = KioskConfig.parse({ portal: { url: portal.url, enrolmentCode } });
    const host = createHost({ config, kind: 'electron', version, dataDir, assetsDir, log: logger.log, trustDemoKeys: true, ...(updates ? { updates } : {}) });
    cleanups.push(() => host.close());
    return host;
  };
  return {
    data: data.dir,
    dataDir,
    portal,
    publish,
    appImageOf,
    installed,
    installedVersion: () => readFileSync(installed, 'utf8').match(/echo "([\d.]+)/)?.[1],
    runs: () => (existsSync(ran) ? readFileSync(ran, 'utf8').trim().split('\n') : []),
    app,
    updatesOf,
    hostOf,
    staging: () => readdirSync(path.join(dataDir, 'updates')).filter((name) => name !== 'state.json' && name !== 'installer').sort(),
  };
}

describe('software updates from the province, installed by electron-updater, with a way back', () => {
  test('a newer signed release is downloaded, checked and installed in place; the new version confirmed keeps its installer as the way back', async () => {
    const kiosk = await setUp();
    const host = kiosk.hostOf(kiosk.updatesOf('1.0.0'));
    // Nothing published: nothing to do.
    expect(await host.handlers['update.check']({ from: 'province' })).toEqual({ current: '1.0.0', canInstall: true, staged: null, rolledBack: null });

    await kiosk.publish('1.0.0');
    await kiosk.publish('1.1.0');
    const status = await host.handlers['update.check']({ from: 'province' });
    expect(status.staged).toEqual({ version: '1.1.0', releasedAt: expect.any(String), notes: { vi: 'Bản 1.1.0', en: 'Version 1.1.0' } });
    // The running AppImage is kept as the way back, beside the checked new one.
    expect(kiosk.staging()).toEqual(['1.0.0--DVC-Kiosk.AppImage', '1.1.0--DVC-Kiosk.AppImage']);
    expect(readFileSync(path.join(kiosk.dataDir, 'updates', '1.0.0--DVC-Kiosk.AppImage'))).toEqual(readFileSync(kiosk.installed));
    // A staged installer lost from the disk is downloaded again.
    rmSync(path.join(kiosk.dataDir, 'updates', '1.1.0--DVC-Kiosk.AppImage'));
    expect((await host.handlers['update.check']({ from: 'province' })).staged?.version).toBe('1.1.0');
    expect(kiosk.staging()).toEqual(['1.0.0--DVC-Kiosk.AppImage', '1.1.0--DVC-Kiosk.AppImage']);

    await host.handlers['update.install']({ version: '1.1.0' });
    expect(kiosk.installedVersion()).toBe('1.1.0');
    expect(kiosk.runs()).toEqual(['1.1.0 true']);
    // Left for the OS session to start again (systemd's Restart=on-failure).
    expect(kiosk.app).toEqual({ quits: 0, exits: [75] });

    // The new version's first start: on probation until it has run well.
    const updated = kiosk.updatesOf('1.1.0');
    expect(await updated.boot()).toBe('probation');
    await updated.confirm();
    expect(await updated.boot()).toBe('normal');
    expect(await updated.status()).toEqual({ current: '1.1.0', canInstall: true, staged: null, rolledBack: null });
    expect(kiosk.staging()).toEqual(['1.1.0--DVC-Kiosk.AppImage']);
    // Nothing newer: a check changes nothing.
    expect((await updated.check(provinceFeed(kiosk.portal.url))).staged).toBeNull();
  });

  test('a version that cannot come up three times is left for the one before, which never takes it again', async () => {
    const kiosk = await setUp();
    await kiosk.publish('1.1.0');
    const before = kiosk.updatesOf('1.0.0');
    await before.check(provinceFeed(kiosk.portal.url));
    await before.install('1.1.0');
    expect(kiosk.installedVersion()).toBe('1.1.0');

    const updated = kiosk.updatesOf('1.1.0');
    for (let start = 1; start <= 3; start += 1) expect(await updated.boot()).toBe('probation');
    expect(await updated.boot()).toBe('rollingBack');
    // electron-updater put the kept 1.0.0 back in place (a downgrade) and the app restarted on it.
    expect(kiosk.installedVersion()).toBe('1.0.0');
    expect(kiosk.runs()).toEqual(['1.1.0 true', '1.0.0 true']);
    expect(kiosk.app.exits).toEqual([75, 75]);

    const back = kiosk.updatesOf('1.0.0');
    expect(await back.boot()).toBe('normal');
    const status = await back.status();
    expect(status.rolledBack).toEqual({ from: '1.1.0', to: '1.0.0', at: expect.any(String), reason: 'failedToStart' });
    // The province hears of it in every heartbeat.
    const host = kiosk.hostOf(back, { enrolmentCode: kiosk.portal.createEnrolmentCode().code });
    await host.handlers['portal.heartbeat']({ queueDepth: 0, oldestUnsentAgeSeconds: null, freeBytes: 1, queueStore: 'indexedDb' });
    expect(kiosk.portal.store.lastHeartbeats()[0]?.report).toMatchObject({ software: { version: '1.0.0', rolledBack: status.rolledBack } });
    // 1.1.0 is refused here for good; a later release is taken.
    expect((await back.check(provinceFeed(kiosk.portal.url))).staged).toBeNull();
    await kiosk.publish('1.2.0');
    expect((await back.check(provinceFeed(kiosk.portal.url))).staged?.version).toBe('1.2.0');
  });

  test('a screen restarted while on probation goes back at once; a confirmed version is not gone back from', async () => {
    const kiosk = await setUp();
    await kiosk.publish('1.1.0');
    const before = kiosk.updatesOf('1.0.0');
    await before.check(provinceFeed(kiosk.portal.url));
    await before.install('1.1.0');
    const updated = kiosk.updatesOf('1.1.0');
    expect(await updated.boot()).toBe('probation');
    await updated.rollback('screenRestarted');
    expect(kiosk.installedVersion()).toBe('1.0.0');
    expect((await kiosk.updatesOf('1.0.0').status()).rolledBack?.reason).toBe('screenRestarted');

    // Confirmed, a later screen restart changes nothing.
    await kiosk.publish('1.2.0');
    const again = kiosk.updatesOf('1.0.0');
    await again.check(provinceFeed(kiosk.portal.url));
    await again.install('1.2.0');
    const latest = kiosk.updatesOf('1.2.0');
    expect(await latest.boot()).toBe('probation');
    await latest.confirm();
    await latest.rollback('screenRestarted');
    expect(kiosk.installedVersion()).toBe('1.2.0');
  });

  test('a download cut off, or stalled on a silent link, goes on from where it stopped', async () => {
    const kiosk = await setUp();
    const release = await kiosk.publish('1.1.0', 150_000);
    const { size } = release.files[0]!;
    const link = await startFaultProxy({ target: { host: '127.0.0.1', port: Number(new URL(kiosk.portal.url).port) } });
    cleanups.push(() => link.close());
    const updates = kiosk.updatesOf('1.0.0');
    const feed = provinceFeed(link.url, 500);
    const part = () => statSync(path.join(kiosk.dataDir, 'updates', '1.1.0--DVC-Kiosk.AppImage.part')).size;

    link.setFaults({ resetAfter: { bytes: 100_000, direction: 'down' } });
    expect(await codeOf(updates.check(feed))).toBe('update.unreachable');
    const cut = part();
    expect(cut).toBeGreaterThan(50_000);
    // Then the link goes silent after a few more bytes: given up after the stall time, what came is kept.
    link.setFaults({ slicer: { averageSize: 60_000, delayMs: 5_000, direction: 'down' } });
    expect(await codeOf(updates.check(feed))).toBe('update.unreachable');
    const stalled = part();
    expect(stalled).toBeGreaterThan(cut);

    link.setFaults({});
    const before = link.stats().bytesDown;
    expect((await updates.check(feed)).staged?.version).toBe('1.1.0');
    // Only the rest came down, not the whole installer again.
    expect(link.stats().bytesDown - before).toBeLessThan(size - stalled + 5_000);
    await updates.install('1.1.0');
    expect(kiosk.installedVersion()).toBe('1.1.0');
  });

  test('a release no pinned key signed, or an installer not the one signed, is refused and nothing is kept of it', async () => {
    const kiosk = await setUp();
    const host = kiosk.hostOf(kiosk.updatesOf('1.0.0'));
    await kiosk.publish('1.1.0');
    // The installer changed on the server after signing, its size kept.
    const served = path.join(kiosk.data, 'portal.sqlite.updates', 'DVC-Kiosk.AppImage');
    writeFileSync(served, readFileSync(served, 'utf8').replace('1.1.0', '6.6.6'));
    expect(await codeOf(host.handlers['update.check']({ from: 'province' }))).toBe('update.corrupt');
    expect((await host.handlers['update.status']()).staged).toBeNull();
    expect(kiosk.staging().filter((name) => name.startsWith('1.1.0'))).toEqual([]);
    await expect(host.handlers['update.install']({ version: '1.1.0' })).rejects.toMatchObject({ code: 'update.notStaged' });

    // A feed signed by a key the build does not pin.
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const feed = path.join(kiosk.data, 'rogue');
    await addRelease(feed, { version: '9.0.0', artifacts: [{ file: kiosk.appImageOf('9.0.0'), platform: 'linux' }] }, { keyId: 'rogue', privateKey });
    const drive = path.join(kiosk.data, 'usb');
    cpSync(feed, path.join(drive, UPDATE_FOLDER), { recursive: true });
    expect(await codeOf(kiosk.updatesOf('1.0.0').check(await usbSource(async () => [drive])))).toBe('update.untrusted');
    expect(kiosk.installedVersion()).toBe('1.0.0');
  });

  test('from a USB stick as from the server; without a stick, or on a kiosk that cannot install itself, a clear refusal', async () => {
    // Installed under a versioned name: electron-updater would name the new one otherwise, and the session would start the old path.
    const kiosk = await setUp({ installedName: 'DVC-Kiosk-1.0.0.AppImage' });
    await expect(usbSource(async () => [path.join(kiosk.data, 'empty-stick')])).rejects.toMatchObject({ code: 'update.noUsb' });
    await kiosk.publish('1.1.0');
    const drive = path.join(kiosk.data, 'usb');
    cpSync(path.join(kiosk.data, 'portal.sqlite.updates'), path.join(drive, UPDATE_FOLDER), { recursive: true });
    const updates = kiosk.updatesOf('1.0.0');
    expect((await updates.check(await usbSource(async () => [path.join(kiosk.data, 'no-feed'), drive]))).staged?.version).toBe('1.1.0');
    await updates.install('1.1.0');
    expect(kiosk.installedVersion()).toBe('1.1.0');
    expect(readdirSync(path.dirname(kiosk.installed))).toEqual(['DVC-Kiosk-1.0.0.AppImage']);

    // The web host (no installer) finds and checks the release, and says it cannot install it.
    const other = await setUp();
    await other.publish('1.1.0');
    const web = other.hostOf(undefined);
    const status = await web.handlers['update.check']({ from: 'province' });
    expect(status).toMatchObject({ canInstall: false, staged: { version: '1.1.0' } });
    expect(await codeOf(web.handlers['update.install']({ version: '1.1.0' }))).toBe('update.unsupported');
  });
});

/** The province's feed as the host makes it from the config: `updates/` beside the portal. */
const provinceFeed = (portalUrl: string, stallMs?: number) => httpSource(new URL('updates/', portalUrl).href, { timeoutMs: 5000, stallMs });
