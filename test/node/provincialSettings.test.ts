import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { KioskConfig, type KioskConfigInput } from '../../shared/config';
import { PROVINCIAL_SETTINGS_FORMAT } from '../../shared/provincialSettings';
import type { SetupAnswers } from '../../shared/setup';
import { readAuditLog } from '../../electron/host/audit';
import { configFileWithProvincial } from '../../electron/host/configFile';
import { loadProvinceKeys, signProvincial } from '../../electron/host/provincial';
import { verifyProvincialSettings } from '../../electron/host/provincialSettings';
import { createSetupHost } from '../../electron/host/setup';
import { demoProvinceSigner } from '../../scripts/reference-portal/provinceKey';
import { startReferencePortal } from '../../scripts/reference-portal/server';
import { codeOf } from '../support/errors';
import { assetsDir, memoryLogger, tempDir } from '../support/kiosk';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A kiosk set up in Diên Khánh (22651) beside a reference portal; `trustDemoKeys` as a development kiosk, or not as a packaged one. */
async function setUpKiosk({ trustDemoKeys = true } = {}) {
  const data = tempDir('province-settings');
  const portal = await startReferencePortal({ dbFile: path.join(data.dir, 'portal.sqlite'), port: 0, uploadDir: path.join(data.dir, 'uploads') });
  const configFile = path.join(data.dir, 'kiosk-config.json');
  const host = createSetupHost({ config: KioskConfig.parse({ portal: { url: portal.url } }), configFile, trustDemoKeys, kind: 'web', version: '0.0.0-test', dataDir: data.dir, assetsDir, log: memoryLogger().log });
  cleanups.push(data.remove, () => portal.app.close(), () => host.close());
  const answers: SetupAnswers = {
    communeCode: '22651',
    name: 'Điểm hỗ trợ DVC Diên Khánh',
    portal: { url: portal.url, enrolmentCode: portal.createEnrolmentCode().code },
    technician: { name: 'Trần Văn Kỹ', pin: '135790' },
    helpers: [],
    procedures: ['1.001193'],
    paper: '80mm',
  };
  await host.handlers['setup.save'](answers);
  const written = () => KioskConfig.parse(JSON.parse(readFileSync(configFile, 'utf8')) as KioskConfigInput);
  return { portal, host, written, auditFile: path.join(data.dir, 'audit.jsonl') };
}

const payee = { bankBin: '970405', accountNumber: '1234567890123', accountName: 'UBND XA DIEN KHANH' };

describe("the province's settings", () => {
  test('are taken when newer and for this commune: the file and the running host change; an issue taken once is not taken again', async () => {
    const { portal, host, written, auditFile } = await setUpKiosk();
    expect(await host.handlers['settings.fromProvince']()).toEqual({ applied: false });

    const issued = portal.publishSettings({ policy: { idleSeconds: 45, retentionDays: 14, payee } });
    expect(await host.handlers['settings.fromProvince']()).toEqual({ applied: true });
    expect(written()).toMatchObject({ idleSeconds: 45, retentionDays: 14, payee, provincialSettingsIssuedAt: issued.issuedAt, procedures: ['1.001193'] });
    expect(await host.handlers['app.info']()).toMatchObject({ idleSeconds: 45, retentionDays: 14, payee });
    expect(await host.handlers['settings.fromProvince']()).toEqual({ applied: false });

    // Another commune's issue is not served to this kiosk; the province-wide one after it is.
    portal.publishSettings({ communeCodes: ['22657'], policy: { idleSeconds: 60 } });
    expect(await host.handlers['settings.fromProvince']()).toEqual({ applied: false });
    portal.publishSettings({ communeCodes: ['22651', '22657'], policy: { idleSeconds: 75 } });
    expect(await host.handlers['settings.fromProvince']()).toEqual({ applied: true });
    expect(written()).toMatchObject({ idleSeconds: 75, retentionDays: 14 });

    const { entries } = await readAuditLog(auditFile);
    expect(entries.filter((entry) => entry.action === 'settings.fromProvince')).toHaveLength(2);
  });

  test('signed by a key this build does not pin, they are refused and nothing changes', async () => {
    // A packaged kiosk trusts no demo key: the reference portal's signature is a stranger's.
    const { portal, host, written } = await setUpKiosk({ trustDemoKeys: false });
    const before = written();
    portal.publishSettings({ policy: { idleSeconds: 45 } });
    expect(await codeOf(host.handlers['settings.fromProvince']())).toBe('settings.untrusted');
    expect(written()).toEqual(before);
  });

  test('the kiosk checks them itself: the signature, what they may set, the commune, and that they are newer', async () => {
    const keys = await loadProvinceKeys(assetsDir, { includeDemo: true });
    const signer = demoProvinceSigner();
    const sign = (document: unknown) => signProvincial(PROVINCIAL_SETTINGS_FORMAT, document, signer);
    const refusal = (text: string) => codeOf(Promise.resolve().then(() => verifyProvincialSettings(text, keys)));
    const at = '2026-11-25T01:00:00.000Z';
    // A warning shorter than WCAG allows, or a field a province may not set, is no setting at all.
    expect(await refusal(sign({ issuedAt: at, policy: { idleWarningSeconds: 5 } }))).toBe('settings.invalid');
    expect(await refusal(sign({ issuedAt: at, policy: { helpers: [] } }))).toBe('settings.invalid');
    expect(await refusal(`${sign({ issuedAt: at, policy: {} })}x`)).toBe('settings.untrusted');
    expect(verifyProvincialSettings(null, keys)).toBeNull();

    const running = KioskConfig.parse({ commune: { code: '22651', name: 'Xã Diên Khánh' }, provincialSettingsIssuedAt: at });
    const settings = verifyProvincialSettings(sign({ issuedAt: '2026-11-26T00:00:00.000Z', communeCodes: ['22657'], policy: { idleSeconds: 60 } }), keys)!;
    expect(configFileWithProvincial(running, settings)).toBeNull();
    expect(configFileWithProvincial(running, { ...settings, communeCodes: undefined, issuedAt: at })).toBeNull();
    expect(configFileWithProvincial(running, { ...settings, communeCodes: undefined })).toMatchObject({ idleSeconds: 60, provincialSettingsIssuedAt: '2026-11-26T00:00:00.000Z' });
  });
});
