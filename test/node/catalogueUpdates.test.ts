import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { KioskConfig } from '../../shared/config';
import { CATALOGUE_FORMAT, CatalogueDocument, type CatalogueDocument as Document } from '../../shared/dossier/procedures';
import { createHost } from '../../electron/host/createHost';
import { createCatalogues, verifyCatalogue } from '../../electron/host/catalogue';
import { loadProvinceKeys, signProvincial } from '../../electron/host/provincial';
import { demoProvinceSigner } from '../../scripts/reference-portal/provinceKey';
import { startReferencePortal } from '../../scripts/reference-portal/server';
import { assetsDir, memoryLogger, tempDir } from '../support/kiosk';
import { codeOf } from '../support/errors';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const folder = path.join(assetsDir, 'procedures');
const read = (file: string) => JSON.parse(readFileSync(path.join(folder, file), 'utf8')) as Record<string, unknown>;
const BUNDLED = read('index.json') as { version: string; order: string[] };

/** The bundled catalogue under another version, with the certified copy renamed (a change the portal would see in TenTTHC). */
function catalogueVersion(version: string, rename = 'Chứng thực bản sao từ bản chính (mẫu mới)'): Omit<Document, 'issuedAt'> {
  const files = readdirSync(folder)
    .filter((file) => file.endsWith('.json') && file !== 'index.json')
    .map((file) => {
      const procedure = read(file);
      return procedure.code === '2.000815' ? { ...procedure, name: { ...(procedure.name as object), vi: rename } } : procedure;
    });
  return { index: { ...BUNDLED, version }, files };
}

/** An enrolled kiosk host beside a reference portal; `trustDemoKeys` as a development kiosk has it. */
async function setUp({ trustDemoKeys = true, data = tempDir('catalogue') } = {}) {
  const portal = await startReferencePortal({ dbFile: path.join(data.dir, 'portal.sqlite'), port: 0, uploadDir: path.join(data.dir, 'uploads') });
  const config = KioskConfig.parse({ portal: { url: portal.url, enrolmentCode: portal.createEnrolmentCode().code } });
  const start = () => {
    const host = createHost({ config, kind: 'web', version: '0.0.0-test', dataDir: data.dir, assetsDir, log: memoryLogger().log, trustDemoKeys });
    cleanups.push(() => host.close());
    return host;
  };
  cleanups.push(data.remove, () => portal.app.close());
  return { portal, host: start(), restart: start, dataDir: data.dir };
}

describe('catalogue updates signed by the province', () => {
  test('a newer catalogue is kept across restarts; a dossier started under the bundled one still finds its version', async () => {
    const { portal, host, restart, dataDir } = await setUp();
    expect(await host.handlers['catalogue.update']()).toEqual({ version: BUNDLED.version, updated: false });

    portal.publishCatalogue(catalogueVersion('2026.12.0'));
    expect(await host.handlers['catalogue.update']()).toEqual({ version: '2026.12.0', updated: true });
    expect(existsSync(path.join(dataDir, 'catalogues', '2026.12.0.dvccat'))).toBe(true);
    const renamed = (await host.handlers['catalogue.current']()).procedures.find((procedure) => procedure.code === '2.000815');
    expect(renamed?.name.vi).toBe('Chứng thực bản sao từ bản chính (mẫu mới)');
    // Publishing it again, or an older one, changes nothing.
    expect(await host.handlers['catalogue.update']()).toEqual({ version: '2026.12.0', updated: false });
    portal.publishCatalogue(catalogueVersion('2026.11.9'));
    expect(await host.handlers['catalogue.update']()).toEqual({ version: '2026.12.0', updated: false });

    const later = restart();
    expect((await later.handlers['catalogue.current']()).version).toBe('2026.12.0');
    const started = await later.handlers['catalogue.version']({ version: BUNDLED.version });
    expect(started.procedures.find((procedure) => procedure.code === '2.000815')?.name.vi).toBe('Chứng thực bản sao từ bản chính');
    expect(await codeOf(later.handlers['catalogue.version']({ version: '1999.1.1' }))).toBe('catalogue.unknownVersion');
    // The declaration is filled from the version the dossier started with.
    const declaration = await later.handlers['documents.declaration']({ procedureCode: '1.001193', catalogueVersion: BUNDLED.version, answers: {}, date: '2026-11-24' });
    expect(declaration.documentType).toBeTruthy();
    expect(await codeOf(later.handlers['documents.declaration']({ procedureCode: '1.001193', catalogueVersion: '1999.1.1', answers: {}, date: '2026-11-24' }))).toBe('catalogue.unknownVersion');
  });

  test('a software update that bundles another catalogue still finds the one the earlier build bundled, and only as this machine sealed it', async () => {
    const data = tempDir('bundled');
    cleanups.push(data.remove);
    const protect = { encrypt: (plain: Buffer) => Buffer.from(plain.toString('base64')), decrypt: (sealed: Buffer) => Buffer.from(sealed.toString(), 'base64') };
    const provinceKeys = () => loadProvinceKeys(assetsDir, { includeDemo: true });
    const earlier = createCatalogues({ assetsDir, dataDir: data.dir, provinceKeys, protect });
    expect((await earlier.current()).version).toBe(BUNDLED.version);

    // The next build's assets: the same procedures under a newer version.
    const nextAssets = path.join(data.dir, 'next-assets');
    cpSync(folder, path.join(nextAssets, 'procedures'), { recursive: true });
    writeFileSync(path.join(nextAssets, 'procedures', 'index.json'), JSON.stringify({ ...read('index.json'), version: '2099.1.0' }));
    const later = () => createCatalogues({ assetsDir: nextAssets, dataDir: data.dir, provinceKeys, protect });
    expect((await later().current()).version).toBe('2099.1.0');
    expect((await later().byVersion(BUNDLED.version)).version).toBe(BUNDLED.version);

    // A kept copy not sealed by this machine's protection is not run.
    const kept = path.join(data.dir, 'catalogues', `${BUNDLED.version}.dvcbundled`);
    writeFileSync(kept, JSON.stringify({ index: read('index.json'), files: [] }));
    expect(await codeOf(later().byVersion(BUNDLED.version))).toBe('catalogue.unknownVersion');
  });

  test('a packaged kiosk refuses the demo key: the update is untrusted and nothing is kept', async () => {
    const { portal, host, dataDir } = await setUp({ trustDemoKeys: false });
    portal.publishCatalogue(catalogueVersion('2026.12.0'));
    expect(await codeOf(host.handlers['catalogue.update']())).toBe('catalogue.untrusted');
    expect((await host.handlers['catalogue.current']()).version).toBe(BUNDLED.version);
    expect(readdirSync(path.join(dataDir, 'catalogues')).filter((name) => name.endsWith('.dvccat'))).toEqual([]);
  });

  test('a signed catalogue the kiosk cannot run is refused: a procedure the index lacks, a version that is no number', async () => {
    const { portal, host } = await setUp();
    const broken = catalogueVersion('2026.12.0');
    portal.publishCatalogue({ ...broken, index: { ...broken.index, order: broken.index.order.slice(1) } });
    expect(await codeOf(host.handlers['catalogue.update']())).toBe('catalogue.invalid');
    const keys = await loadProvinceKeys(assetsDir, { includeDemo: true });
    const escaping = CatalogueDocument.parse({ ...catalogueVersion('../../etc'), issuedAt: new Date().toISOString() });
    expect(() => verifyCatalogue(signProvincial(CATALOGUE_FORMAT, escaping, demoProvinceSigner()), keys)).toThrow(expect.objectContaining({ code: 'catalogue.invalid' }));
    // A provisioning is no catalogue, though the same key signed it.
    expect(() => verifyCatalogue(portal.createProvisioning({ portalUrl: portal.url }), keys)).toThrow(expect.objectContaining({ code: 'catalogue.invalid' }));
    expect((await host.handlers['catalogue.current']()).version).toBe(BUNDLED.version);
  });
});
