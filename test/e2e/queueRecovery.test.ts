import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { auditScreen } from '../support/a11y';
import { submitCertifiedCopy } from '../support/journey';
import { openChromium, withKiosk, type RunningBrowser, type RunningKiosk } from '../support/kiosk';
import { deleteQueueDatabase } from '../support/queue';
import { openHelperQueue } from '../support/helper';

type Env = { kiosk: RunningKiosk; browser: RunningBrowser };

const RECOVERY_TITLE = 'Máy cần kỹ thuật viên kiểm tra';

/** Chromium 156 keeps an origin's IndexedDB in LevelDB, one folder per origin, port included. */
const storeDir = (env: Env) => {
  const { hostname, port } = new URL(env.kiosk.webHost.origin);
  return path.join(env.browser.profileDir, 'Default/IndexedDB', `http_${hostname}_${port}.indexeddb.leveldb`);
};

/** Every file of the store by its sha-256; LevelDB rewrites its text log (LOG) and LOCK on each open attempt. */
const storeFiles = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir)
      .filter((name) => !/^(LOG|LOG\.old|LOCK)$/.test(name))
      .map((name) => [name, createHash('sha256').update(readFileSync(path.join(dir, name))).digest('hex')]),
  );

const writeAheadLogs = (dir: string) =>
  readdirSync(dir)
    .filter((name) => /^\d+\.log$/.test(name))
    .map((name) => path.join(dir, name));

const sealedCopy = (env: Env, id: string) =>
  JSON.parse(readFileSync(path.join(env.kiosk.dataDir, 'outbox', `${id}.json`), 'utf8')) as { row: { status: string; portal: { maHoSo: string } | null } };

/** A citizen saves a dossier with the link down; returns its UUID, from the name of its sealed copy. */
async function saveOffline(env: Env): Promise<string> {
  env.kiosk.link!.setFaults({ down: true });
  await env.browser.page.goto(env.kiosk.webHost.url);
  const reference = await submitCertifiedCopy(env.browser.page);
  return readdirSync(path.join(env.kiosk.dataDir, 'outbox'))
    .find((name) => name.slice(0, 8).toUpperCase() === reference)!
    .slice(0, -'.json'.length);
}

/** Closes the browser, damages its IndexedDB files as `damage` does, and opens the same profile again. */
async function damageStore(env: Env, damage: (dir: string) => void): Promise<string> {
  const dir = storeDir(env);
  await env.browser.close({ keepProfile: true });
  damage(dir);
  env.browser = await openChromium({ profileDir: env.browser.profileDir });
  return dir;
}

/** Opens the kiosk; resolves with how long it took the recovery screen to show. */
async function timeToRecovery(env: Env, page = env.browser.page): Promise<number> {
  const started = Date.now();
  await page.goto(env.kiosk.webHost.url);
  await page.getByRole('heading', { level: 1, name: RECOVERY_TITLE }).waitFor({ timeout: 10_000 });
  return Date.now() - started;
}

async function expectSentOnce(env: Env, id: string): Promise<void> {
  await expect.poll(() => env.kiosk.portal.store.dossiers().map((dossier) => dossier.uuid), { timeout: 30_000, interval: 500 }).toEqual([id]);
}

describe('an IndexedDB that will not open', () => {
  const env = withKiosk({}, { link: true });

  test('shows the recovery screen within 10 s, keeps the store files, and sends the dossier from its sealed copy exactly once', async () => {
    const id = await saveOffline(env);
    // CURRENT names a MANIFEST that is not there, as when that file is lost: LevelDB reports an I/O
    // error, and Chromium fails every open and leaves the files (corruption it deletes, see below).
    const dir = await damageStore(env, (dir) => writeFileSync(path.join(dir, 'CURRENT'), 'MANIFEST-999999\n'));
    const damaged = storeFiles(dir);
    const { page } = env.browser;

    expect(await timeToRecovery(env)).toBeLessThan(10_000);
    const copies = page.getByTestId('recovery-copies');
    await expect.poll(() => copies.textContent()).toBe('Các hồ sơ đã lưu vẫn an toàn trong bản sao niêm phong trên máy: 1 hồ sơ. Máy vẫn tự gửi các hồ sơ này lên cổng dịch vụ công. Còn 1 hồ sơ chờ gửi.');
    expect(await page.getByRole('main').textContent()).toContain('Xin đừng xóa dữ liệu của máy. Vui lòng gọi kỹ thuật viên.');
    // Nothing to start a dossier with, and nothing for a helper to clear.
    expect(await page.getByRole('main').getByRole('button').count()).toBe(0);
    expect(await auditScreen(page)).toEqual({ violations: [], smallTargets: [] });

    env.kiosk.link!.setFaults({});
    await expectSentOnce(env, id);
    await expect.poll(() => sealedCopy(env, id).row.status, { timeout: 10_000 }).toBe('accepted');
    expect(sealedCopy(env, id).row.portal?.maHoSo).toBe(env.kiosk.portal.store.dossiers()[0]!.maHoSo);
    await expect.poll(() => copies.textContent()).toContain('Không còn hồ sơ nào chờ gửi.');
    // The province hears that this kiosk runs from its copies, and so needs a technician.
    await expect.poll(() => env.kiosk.portal.store.lastHeartbeats()[0]?.report).toMatchObject({ queueStore: 'sealedCopies', queueDepth: 0, oldestUnsentAgeSeconds: null });

    // The kiosk deleted and re-created nothing: the damaged store is on disk as it was.
    expect(storeFiles(dir)).toEqual(damaged);
  });
});

describe('an IndexedDB that Chromium deletes and re-creates empty', () => {
  const env = withKiosk({}, { link: true });

  test('is restored from the sealed copies, the helper is told, and the dossier is sent exactly once', async () => {
    const id = await saveOffline(env);
    // 4 KiB of garbage inside the write-ahead log, after its first records, is LevelDB corruption:
    // Chromium deletes the store on the next open and opens it empty, with no error the page sees.
    const garbage = Buffer.alloc(4096, 0x5a);
    const dir = await damageStore(env, (dir) => {
      for (const log of writeAheadLogs(dir)) {
        const bytes = readFileSync(log);
        garbage.copy(bytes, Math.floor(bytes.length / 3));
        writeFileSync(log, bytes);
      }
    });
    const { page } = env.browser;

    await page.goto(env.kiosk.webHost.url);
    await openHelperQueue(page);
    const rows = page.getByTestId('queue-list').getByRole('listitem');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(1);
    expect(await rows.first().textContent()).toContain(id.slice(0, 8).toUpperCase());
    await expect.poll(() => page.getByTestId('queue-restored').textContent()).toMatch(/kho hồ sơ trên máy đã bị mất\. Máy đã lấy lại 1 hồ sơ từ bản sao niêm phong\.$/);
    // Chromium's doing, not the kiosk's: the garbage is gone with the store it was in.
    for (const log of writeAheadLogs(dir)) expect(readFileSync(log).includes(garbage)).toBe(false);

    env.kiosk.link!.setFaults({});
    await expect.poll(() => rows.first().textContent(), { timeout: 30_000, interval: 500 }).toMatch(/Cổng đã nhận, mã 22651-/);
    await expectSentOnce(env, id);
  });
});

describe('an IndexedDB open that never ends', () => {
  const env = withKiosk({}, { link: true });

  test('shows the recovery screen within 10 s, and the dossier is sent from its sealed copy', async () => {
    const id = await saveOffline(env);
    // A connection at an older version that ignores `versionchange` blocks the kiosk's upgrade: its
    // open waits for ever.
    await deleteQueueDatabase(env.browser.page, env.kiosk.webHost.origin);
    await env.browser.page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const open = indexedDB.open('dvc-kiosk', 1);
          open.onsuccess = () => resolve(void Object.assign(window, { blocker: open.result }));
        }),
    );
    const kiosk = await env.browser.context.newPage();

    expect(await timeToRecovery(env, kiosk)).toBeLessThan(10_000);
    await expect.poll(() => kiosk.getByTestId('recovery-copies').textContent()).toContain('Còn 1 hồ sơ chờ gửi.');
    env.kiosk.link!.setFaults({});
    await expectSentOnce(env, id);
    await expect.poll(() => sealedCopy(env, id).row.status, { timeout: 10_000 }).toBe('accepted');
  });
});
