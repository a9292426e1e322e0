import { spawnSync } from 'node:child_process';
import { createHash, createPublicKey, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { createDeviceKeyPair } from '../../electron/host/portal/signing';
import { createSneakernet } from '../../electron/host/sneakernet';
import { canonicalJson, type DossierPackage } from '../../shared/dossier/portalPackage';
import { createReferencePortal } from '../../scripts/reference-portal/server';
import { openPortalStore } from '../../scripts/reference-portal/store';
import { codeOf } from '../support/errors';
import { root, tempDir } from '../support/kiosk';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).reverse().forEach((cleanup) => cleanup()));
const sha256Hex = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

/** A portal with one enrolled kiosk, that kiosk's sneakernet onto a folder standing for the stick. */
function setUp(dbFile = ':memory:') {
  const data = tempDir('sneakernet');
  cleanups.push(data.remove);
  const store = openPortalStore(dbFile === ':memory:' ? dbFile : path.join(data.dir, dbFile));
  cleanups.push(() => store.close());
  const portal = createReferencePortal({ store, uploadDir: path.join(data.dir, `${dbFile}.uploads`), updateDir: path.join(data.dir, `${dbFile}.updates`) });
  const enrol = (kioskId: string) => {
    const keys = createDeviceKeyPair();
    const { code } = portal.createEnrolmentCode();
    portal.store.enrol({ code, kioskId, publicKeyJwk: JSON.stringify(keys.publicKeyJwk), name: 'Ki-ốt thử', version: '0', now: new Date() });
    const identity = { kioskId, privateKey: keys.privateKey, portalPublicKey: portal.portalPublicKey };
    return createSneakernet({ identity: async () => identity, usbDrives: async () => [path.join(data.dir, 'usb')] });
  };
  const folder = (kioskId: string) => path.join(data.dir, 'usb', 'DVC-Kiosk', 'chuyen-tay', kioskId);
  return { portal, enrol, folder, dir: data.dir };
}

function dossier(page = new TextEncoder().encode('%PDF-1.7 bản sao')) {
  const pkg: DossierPackage = {
    uuid: randomUUID(),
    metadata: { MaTTHC: '2.000815', TenTTHC: 'Chứng thực bản sao từ bản chính', ChuHoSo: 'Nguyễn Văn An', SoGiayToChuHoSo: '056090001234', KenhThucHien: 2 },
    attachments: [{ id: 'original', documentType: 'original', sha256: sha256Hex(page), size: page.length }],
  };
  return { pkg, packageSha256: sha256Hex(canonicalJson(pkg)), files: [{ id: 'original', bytes: page }] };
}

test('a sealed, signed dossier is imported once with its page; nothing personal is readable on the stick', async () => {
  const { portal, enrol, folder } = setUp();
  const kiosk = enrol('kiosk-a');
  const one = dossier();
  const [file] = await kiosk.export(one.pkg, one.packageSha256, one.files);
  const text = readFileSync(file!, 'utf8');
  for (const canary of ['Nguyễn Văn An', '056090001234', 'bản sao']) expect(text).not.toContain(canary);

  const result = await portal.importSneakernet(folder('kiosk-a'));
  expect(result.refused).toEqual([]);
  expect(result.imported).toEqual([{ uuid: one.pkg.uuid, maHoSo: expect.stringMatching(/^22651-\d{8}-\d{7}$/) }]);
  expect(portal.store.attachment(one.pkg.uuid, 'original')?.uploaded_at).toBeTruthy();
  expect(portal.store.dossier(one.pkg.uuid)?.metadata).toMatchObject({ ChuHoSo: 'Nguyễn Văn An' });
  expect(await portal.importSneakernet(folder('kiosk-a'))).toEqual({ imported: [], already: [one.pkg.uuid], refused: [] });
});

test('the portal refuses a tampered file, a kiosk it never enrolled, and a dossier it holds with other content; the kiosk refuses pages that are not the announced ones, and a missing stick', async () => {
  const { portal, enrol, folder } = setUp();
  const kiosk = enrol('kiosk-a');
  const [tampered, conflicting] = [dossier(), dossier()];
  const [file] = await kiosk.export(tampered.pkg, tampered.packageSha256, tampered.files);
  await kiosk.export(conflicting.pkg, conflicting.packageSha256, conflicting.files);
  portal.store.announce(conflicting.pkg.uuid, 'kiosk-a', { packageSha256: 'f'.repeat(64), revision: 0, metadata: {}, attachments: [] }, new Date());

  // A byte of ciphertext changed, and the manifest's hash of the file changed to match.
  const packageFile = JSON.parse(readFileSync(file!, 'utf8')) as { sealed: { ciphertext: string } };
  const first = packageFile.sealed.ciphertext[0] === 'A' ? 'B' : 'A';
  packageFile.sealed.ciphertext = `${first}${packageFile.sealed.ciphertext.slice(1)}`;
  const edited = JSON.stringify(packageFile);
  writeFileSync(file!, edited);
  const manifestFile = path.join(folder('kiosk-a'), 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { dossiers: Array<{ uuid: string; fileSha256: string }> };
  manifest.dossiers.find((entry) => entry.uuid === tampered.pkg.uuid)!.fileSha256 = sha256Hex(edited);
  writeFileSync(manifestFile, JSON.stringify(manifest));
  // The manifest edited: its signature no longer holds, so nothing from this kiosk is taken.
  expect((await portal.importSneakernet(folder('kiosk-a'))).refused).toEqual([{ file: 'manifest.json', reason: 'not signed by an enrolled kiosk' }]);

  // The kiosk's next export signs the manifest again, the edited entry with it: the file's own signature still fails.
  const fresh = dossier();
  await kiosk.export(fresh.pkg, fresh.packageSha256, fresh.files);
  const result = await portal.importSneakernet(folder('kiosk-a'));
  expect(result.refused).toContainEqual({ file: path.basename(file!), reason: 'not a package signed by this kiosk' });
  expect(result.refused).toContainEqual({ file: `${conflicting.pkg.uuid}.dvcpkg`, reason: 'the portal holds this dossier with other content' });
  expect(result.imported.map(({ uuid }) => uuid)).toEqual([fresh.pkg.uuid]);
  expect(portal.store.dossier(tampered.pkg.uuid)).toBeUndefined();
  // Changed after the manifest was signed: not the file it lists.
  writeFileSync(file!, `${edited} `);
  expect((await portal.importSneakernet(folder('kiosk-a'))).refused).toContainEqual({ file: path.basename(file!), reason: 'missing, or not the file the manifest lists' });

  // A kiosk the portal does not know signs nothing it accepts.
  const { enrol: enrolElsewhere } = setUp();
  const stranger = enrolElsewhere('kiosk-b');
  const other = dossier();
  const [strangerFile] = await stranger.export(other.pkg, other.packageSha256, other.files);
  expect((await portal.importSneakernet(path.dirname(strangerFile!))).refused).toEqual([{ file: 'manifest.json', reason: 'not signed by an enrolled kiosk' }]);

  // The kiosk writes only what it announces, and needs a stick.
  const wrong = dossier();
  expect(await codeOf(kiosk.export(wrong.pkg, wrong.packageSha256, [{ id: 'original', bytes: new TextEncoder().encode('other bytes') }]))).toBe('host.badInput');
  const noStick = createSneakernet({ identity: async () => ({ kioskId: 'kiosk-a', privateKey: createDeviceKeyPair().privateKey, portalPublicKey: createPublicKey(portal.portalPublicKey) }), usbDrives: async () => [] });
  expect(await codeOf(noStick.export(wrong.pkg, wrong.packageSha256, wrong.files))).toBe('sneakernet.noDrive');
});

test('a repaired revision carried on a stick replaces the announced original and imports; a copy written before a repair is refused', async () => {
  const { portal, enrol, folder } = setUp();
  const kiosk = enrol('kiosk-a');
  const announceOnline = ({ pkg, packageSha256 }: { pkg: DossierPackage; packageSha256: string }) =>
    portal.store.announce(pkg.uuid, 'kiosk-a', { packageSha256, revision: pkg.revision ?? 0, metadata: pkg.metadata, attachments: pkg.attachments }, new Date());
  const repaired = (original: ReturnType<typeof dossier>, page: Uint8Array) => {
    const pkg: DossierPackage = { ...original.pkg, revision: 1, attachments: [{ ...original.pkg.attachments[0]!, sha256: sha256Hex(page), size: page.length }] };
    return { pkg, packageSha256: sha256Hex(canonicalJson(pkg)), files: [{ id: 'original', bytes: page }] };
  };

  // Announced online, then its page was lost on the kiosk: the helper rescanned it and carried the repair.
  const lost = dossier();
  const rescanned = repaired(lost, new TextEncoder().encode('%PDF-1.7 bản sao, quét lại'));
  announceOnline(lost);
  await kiosk.export(rescanned.pkg, rescanned.packageSha256, rescanned.files);
  // Repaired online while a copy of the original waited on the stick.
  const stale = dossier();
  await kiosk.export(stale.pkg, stale.packageSha256, stale.files);
  const online = repaired(stale, new TextEncoder().encode('%PDF-1.7 bản sao, sửa'));
  announceOnline(online);

  const result = await portal.importSneakernet(folder('kiosk-a'));
  expect(result.imported).toEqual([{ uuid: lost.pkg.uuid, maHoSo: expect.stringMatching(/^22651-\d{8}-\d{7}$/) }]);
  expect(portal.store.dossier(lost.pkg.uuid)).toMatchObject({ packageSha256: rescanned.packageSha256, revision: 1 });
  expect(result.refused).toEqual([{ file: `${stale.pkg.uuid}.dvcpkg`, reason: 'the portal holds this dossier with other content' }]);
  expect(portal.store.dossier(stale.pkg.uuid)).toMatchObject({ packageSha256: online.packageSha256, revision: 1, maHoSo: null });
});

test('the reference portal imports a stick from the command line into its database, and exits', async () => {
  const { enrol, folder, dir } = setUp('portal.sqlite');
  const one = dossier();
  await enrol('kiosk-a').export(one.pkg, one.packageSha256, one.files);
  const stick = path.dirname(folder('kiosk-a'));
  const run = () => spawnSync('npx', ['tsx', 'scripts/reference-portal/main.ts', '--db', path.join(dir, 'portal.sqlite'), '--import', stick], { cwd: root, encoding: 'utf8' });
  const first = run();
  expect(first.status).toBe(0);
  expect(first.stdout).toMatch(new RegExp(`^imported ${one.pkg.uuid}: 22651-\\d{8}-\\d{7}$`, 'm'));
  const again = run();
  expect([again.status, again.stdout.trim()]).toEqual([0, `already here ${one.pkg.uuid}`]);
});
