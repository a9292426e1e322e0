import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, test } from 'vitest';
import { DocumentScannerConfig } from '../../shared/config';
import { createEsclScanner, parseCapabilities, parseScannerStatus, type EsclScannerConfig } from '../../electron/host/devices/scanner/escl';
import type { DocumentScanner, ScannedPage } from '../../electron/host/devices/scanner/index';
import { parseXml } from '../../electron/host/devices/scanner/xml';
import { startEsclServer, type EsclBehaviour, type EsclServer } from '../support/esclServer';
import { kioskErrorOf } from '../support/errors';

/** The eSCL driver against a local eSCL server whose pages are real scans by SANE's test backend. */

const hasScanimage = spawnSync('scanimage', ['--version']).status === 0;
if (!hasScanimage) console.warn('esclScanner.test.ts: SKIPPED, scanimage is not installed (apt-get install sane-utils)');

const servers: EsclServer[] = [];
const scanners: DocumentScanner[] = [];
afterEach(async () => {
  await Promise.all(scanners.splice(0).map((scanner) => scanner.close()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function setUp(behaviour: Partial<EsclBehaviour> = {}, config: Partial<EsclScannerConfig> = {}) {
  const server = await startEsclServer(behaviour);
  servers.push(server);
  const scanner = createEsclScanner(DocumentScannerConfig.parse({ driver: 'escl', url: server.url, retryDelayMs: 20, ...config }) as EsclScannerConfig);
  scanners.push(scanner);
  return { server, scanner };
}

/** The server asks the test backend for A4, which it clips to its 200 mm limit. */
const pixelsAt = (dpi: number) => Math.floor((200 / 25.4) * dpi);
const count = (server: EsclServer, request: RegExp) => server.requests.filter((line) => request.test(line)).length;

describe.skipIf(!hasScanimage)('the eSCL scanner driver against an eSCL server', () => {
  test('a flatbed scan posts Platen settings and gives one JPEG page at the nearest offered resolution', async () => {
    const { server, scanner } = await setUp();
    const pages = await scanner.scan({ source: 'flatbed', resolution: 120, colourMode: 'colour' });
    expect(pages).toHaveLength(1);
    const [page] = pages as [ScannedPage];
    expect(page).toMatchObject({ number: 1, format: 'jpeg', dpi: 100, width: pixelsAt(100), height: pixelsAt(100) });
    expect([...page.bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    const settings = server.settings[0]!;
    expect(settings).toContain('<pwg:InputSource>Platen</pwg:InputSource>');
    expect(settings).toContain('<scan:ColorMode>RGB24</scan:ColorMode>');
    expect(settings).toContain('<scan:XResolution>100</scan:XResolution>');
    expect(settings).not.toContain('Duplex');
    expect(scanner.status().state).toBe('ready');
  });

  test('an ADF job gives each sheet in order as it arrives, and ends at the 404 after the last', async () => {
    const { server, scanner } = await setUp({ adfSheets: 3 }, { documentFormat: 'image/png' });
    const heard: number[] = [];
    const pages = await scanner.scan({ source: 'adf', resolution: 75, colourMode: 'grey' }, { onPage: (page) => heard.push(page.number) });
    expect(heard).toEqual([1, 2, 3]);
    expect(pages.map((page) => page.format)).toEqual(['png', 'png', 'png']);
    expect(count(server, /^GET .*\/NextDocument$/)).toBe(4);
    expect(server.settings[0]).toContain('<scan:ColorMode>Grayscale8</scan:ColorMode>');
    expect(server.settings[0]).toContain('<scan:Duplex>false</scan:Duplex>');
  });

  test('a duplex job asks for both sides and gets two pages a sheet', async () => {
    const { server, scanner } = await setUp({ adfSheets: 2 });
    const pages = await scanner.scan({ source: 'adfDuplex', resolution: 75, colourMode: 'lineart' });
    expect(pages).toHaveLength(4);
    expect(server.settings[0]).toContain('<scan:Duplex>true</scan:Duplex>');
    expect(server.settings[0]).toContain('<scan:ColorMode>BlackAndWhite1</scan:ColorMode>');
  });

  test('503 answers while a page is being scanned are waited out', async () => {
    const { server, scanner } = await setUp({ adfSheets: 2, busyAnswers: 2 });
    expect(await scanner.scan({ source: 'adf', resolution: 75, colourMode: 'grey' })).toHaveLength(2);
    expect(count(server, /NextDocument$/)).toBe(2 * 3 + 1);
  });

  test('a scanner that stays at 503 is given up as failed after maxRetries', async () => {
    const { scanner } = await setUp({ busyAnswers: 100 }, { maxRetries: 3 });
    const error = await kioskErrorOf(scanner.scan({ source: 'flatbed', resolution: 75, colourMode: 'grey' }));
    expect(error.toShape()).toEqual({ code: 'scanner.failed', params: { reason: 'timeout' } });
  });

  test('stopping at maxPages deletes the job so the sheets left do not hold the scanner', async () => {
    const { server, scanner } = await setUp({ adfSheets: 5 });
    expect(await scanner.scan({ source: 'adf', resolution: 75, colourMode: 'grey', maxPages: 2 })).toHaveLength(2);
    expect(count(server, /^DELETE \/eSCL\/ScanJobs\//)).toBe(1);
  });

  test.each([
    ['ScannerAdfEmpty', 'scanner.noPaper'],
    ['ScannerAdfJam', 'scanner.jammed'],
    ['ScannerAdfDoorOpen', 'scanner.coverOpen'],
  ] as const)('a feeder in %s refuses the job, read from ScannerStatus as %s', async (adfState, code) => {
    const { server, scanner } = await setUp({ adfState });
    expect((await kioskErrorOf(scanner.scan({ source: 'adf', resolution: 75, colourMode: 'grey' }))).code).toBe(code);
    expect(server.requests).toContain('GET /eSCL/ScannerStatus');
    expect(scanner.status().state).toBe('ready');
  });

  test('a scanner that takes a feeder job with no paper and then has no first page is scanner.noPaper', async () => {
    const { server, scanner } = await setUp({ adfState: 'ScannerAdfEmpty', acceptsJobWhenEmpty: true });
    expect((await kioskErrorOf(scanner.scan({ source: 'adf', resolution: 75, colourMode: 'grey' }))).code).toBe('scanner.noPaper');
    expect(count(server, /NextDocument$/)).toBe(1);
  });

  test('a jam in the middle of a job is scanner.jammed after the pages before it were heard', async () => {
    const { scanner } = await setUp({ adfSheets: 3, jamAtPage: 2 });
    const heard: number[] = [];
    const error = await kioskErrorOf(scanner.scan({ source: 'adf', resolution: 75, colourMode: 'grey' }, { onPage: (page) => heard.push(page.number) }));
    expect(error.code).toBe('scanner.jammed');
    expect(heard).toEqual([1]);
  });

  test('a scanner busy with another job is scanner.busy', async () => {
    const { scanner } = await setUp({ processingOtherJob: true });
    expect((await kioskErrorOf(scanner.scan({ source: 'flatbed', resolution: 75, colourMode: 'grey' }))).code).toBe('scanner.busy');
  });

  test('cancelling during a job rejects as cancelled and deletes the job on the scanner', async () => {
    const { server, scanner } = await setUp({ adfSheets: 5, busyAnswers: 3 }, { retryDelayMs: 100 });
    const controller = new AbortController();
    const error = await kioskErrorOf(scanner.scan({ source: 'adf', resolution: 75, colourMode: 'grey' }, { signal: controller.signal, onPage: () => controller.abort() }));
    expect(error.code).toBe('scanner.cancelled');
    expect(count(server, /^DELETE \/eSCL\/ScanJobs\//)).toBe(1);
    expect(count(server, /NextDocument$/)).toBeLessThan(8);
  });

  test('a scanner nobody answers for is scanner.notFound and shows offline', async () => {
    const { server, scanner } = await setUp();
    await expect.poll(() => scanner.status().state).toBe('ready');
    await server.close();
    const unreachable = createEsclScanner(DocumentScannerConfig.parse({ driver: 'escl', url: server.url }) as EsclScannerConfig);
    scanners.push(unreachable);
    expect((await kioskErrorOf(unreachable.scan({ source: 'flatbed', resolution: 75, colourMode: 'grey' }))).code).toBe('scanner.notFound');
    expect(unreachable.status().state).toBe('offline');
  });

  test('a scanner that was off is found again once it answers', async () => {
    const before = await startEsclServer();
    await before.close();
    const scanner = createEsclScanner(DocumentScannerConfig.parse({ driver: 'escl', url: before.url, pollIntervalMs: 50 }) as EsclScannerConfig);
    scanners.push(scanner);
    await expect.poll(() => scanner.status().state).toBe('offline');
    servers.push(await startEsclServer({}, Number(new URL(before.url).port)));
    await expect.poll(() => scanner.status().state).toBe('ready');
    expect(await scanner.scan({ source: 'flatbed', resolution: 75, colourMode: 'grey' })).toHaveLength(1);
  });
});

describe('eSCL answers the driver must not trust', () => {
  test.each([
    ['a DOCTYPE (the XXE door)', '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><scan:ScannerStatus><pwg:State>&e;</pwg:State></scan:ScannerStatus>'],
    ['an unknown entity', '<scan:ScannerStatus><pwg:State>&nbsp;</pwg:State></scan:ScannerStatus>'],
    ['an unclosed element', '<scan:ScannerStatus><pwg:State>Idle</scan:ScannerStatus>'],
    ['two roots', '<a/><b/>'],
    ['text outside any element only', 'Idle'],
    ['a tag cut short', '<scan:ScannerStatus><pwg:State>Idle</pwg:State'],
  ])('parseXml refuses %s', (_what, xml) => {
    expect(() => parseXml(xml)).toThrow();
  });

  test('parseXml reads eSCL with prefixes, entities and CDATA', () => {
    const status = parseScannerStatus('<?xml version="1.0"?><scan:ScannerStatus xmlns:scan="s"><pwg:State>Id&#108;e</pwg:State><scan:AdfState><![CDATA[ScannerAdfJam]]></scan:AdfState></scan:ScannerStatus>');
    expect(status).toEqual({ state: 'Idle', adfState: 'ScannerAdfJam' });
  });

  test.each([
    ['another document', '<scan:ScannerStatus><pwg:State>Idle</pwg:State></scan:ScannerStatus>'],
    ['a zero width', '<scan:ScannerCapabilities><scan:Platen><scan:PlatenInputCaps><scan:MaxWidth>0</scan:MaxWidth><scan:MaxHeight>3508</scan:MaxHeight></scan:PlatenInputCaps></scan:Platen></scan:ScannerCapabilities>'],
    ['a resolution that is no number', '<scan:ScannerCapabilities><scan:Platen><scan:PlatenInputCaps><scan:MaxWidth>2550</scan:MaxWidth><scan:MaxHeight>3508</scan:MaxHeight><scan:DiscreteResolution><scan:XResolution>high</scan:XResolution></scan:DiscreteResolution></scan:PlatenInputCaps></scan:Platen></scan:ScannerCapabilities>'],
  ])('parseCapabilities refuses %s', (_what, xml) => {
    expect(() => parseCapabilities(xml)).toThrow();
  });

  test('a scanner that advertises duplex only as an AdfOption scans duplex with its simplex caps', () => {
    const caps = parseCapabilities(
      '<scan:ScannerCapabilities><scan:Adf><scan:AdfSimplexInputCaps><scan:MaxWidth>2550</scan:MaxWidth><scan:MaxHeight>4200</scan:MaxHeight></scan:AdfSimplexInputCaps>' +
        '<scan:AdfOptions><scan:AdfOption>Duplex</scan:AdfOption></scan:AdfOptions></scan:Adf></scan:ScannerCapabilities>',
    );
    expect(caps.adfDuplex).toEqual(caps.adf);
    expect(caps.flatbed).toBeUndefined();
  });
});
