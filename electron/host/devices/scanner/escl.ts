import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { KioskError } from '../../../../shared/errors';
import type { DocumentScannerConfig } from '../../../../shared/config';
import type { ColourMode, DocumentScanner, ScanControl, ScannedPage, ScanOptions, ScanSource } from './index';
import { scannerStateAfter } from './outcome';
import { describePage } from './pages';
import { createScannerStatus, scannerDevice, watchPresence } from './status';
import { descendants, parseXml, textOf, type XmlElement } from './xml';

export type EsclScannerConfig = Extract<DocumentScannerConfig, { driver: 'escl' }>;

/**
 * eSCL ("AirScan", Mopria Scan): the HTTP protocol of driverless network scanners. Element names
 * follow Mopria's eSCL specification and sane-airscan's `airscan-escl.c`, which is what most
 * scanners have been tested against: capabilities and status are GETs, a job is a POSTed
 * `scan:ScanSettings` (201 with its Location), each page is a GET of `{job}/NextDocument`.
 */
const NS = 'xmlns:scan="http://schemas.hp.com/imaging/escl/2011/05/03" xmlns:pwg="http://www.pwg.org/schemas/2010/12/sm"';

/** What one input (platen, ADF, ADF duplex) can do. Sizes are in 1/300 inch, eSCL's unit. */
export interface EsclInputCaps {
  maxWidth: number;
  maxHeight: number;
  colourModes: string[];
  resolutions: number[];
  formats: string[];
}
export type EsclCapabilities = Partial<Record<ScanSource, EsclInputCaps>>;

const ESCL_COLOUR_MODES: Record<ColourMode, string> = { colour: 'RGB24', grey: 'Grayscale8', lineart: 'BlackAndWhite1' };

function inputCaps(element: XmlElement | undefined): EsclInputCaps | undefined {
  if (!element) return undefined;
  const number = (name: string) => Number(textOf(element, name));
  const texts = (name: string) => descendants(element, name).map((child) => child.text.trim());
  const caps = {
    maxWidth: number('MaxWidth'),
    maxHeight: number('MaxHeight'),
    colourModes: texts('ColorMode'),
    resolutions: descendants(element, 'DiscreteResolution').map((resolution) => Number(textOf(resolution, 'XResolution'))),
    formats: [...new Set([...texts('DocumentFormat'), ...texts('DocumentFormatExt')])],
  };
  if (!(caps.maxWidth > 0 && caps.maxHeight > 0) || caps.resolutions.some((dpi) => !(dpi > 0))) throw new Error('eSCL: bad input caps');
  return caps;
}

export function parseCapabilities(xml: string): EsclCapabilities {
  const root = parseXml(xml);
  if (root.name !== 'ScannerCapabilities') throw new Error(`eSCL: ${root.name} is not ScannerCapabilities`);
  const first = (name: string) => descendants(root, name)[0];
  const adf = inputCaps(first('AdfSimplexInputCaps'));
  // Many scanners describe duplex only as an AdfOption, scanning the back with the simplex caps.
  const duplexOption = descendants(root, 'AdfOption').some((option) => option.text.trim() === 'Duplex');
  return { flatbed: inputCaps(first('PlatenInputCaps')), adf, adfDuplex: inputCaps(first('AdfDuplexInputCaps')) ?? (duplexOption ? adf : undefined) };
}

export interface EsclStatus {
  state: string;
  adfState: string | undefined;
}

export function parseScannerStatus(xml: string): EsclStatus {
  const root = parseXml(xml);
  const state = textOf(root, 'State');
  if (root.name !== 'ScannerStatus' || !state) throw new Error('eSCL: not a ScannerStatus');
  return { state, adfState: textOf(root, 'AdfState') };
}

/**
 * Why a job could not start or go on, from the scanner's status: its ADF state first (as
 * sane-airscan reads it; DoorOpen and HatchOpen are both in use), then the scanner's own state.
 */
export function statusFailure(status: EsclStatus): KioskError | null {
  switch (status.adfState) {
    case 'ScannerAdfEmpty':
      return new KioskError('scanner.noPaper');
    case 'ScannerAdfJam':
    case 'ScannerAdfMispick':
    case 'ScannerAdfMultipickDetected':
      return new KioskError('scanner.jammed');
    case 'ScannerAdfDoorOpen':
    case 'ScannerAdfHatchOpen':
      return new KioskError('scanner.coverOpen');
  }
  if (status.state === 'Processing') return new KioskError('scanner.busy');
  if (status.state === 'Stopped' || status.state === 'Down') return new KioskError('scanner.failed', { reason: `state ${status.state}` });
  return null;
}

export function scanSettingsXml(settings: { source: ScanSource; colourMode: string; dpi: number; format: string; width: number; height: number }): string {
  const duplex = settings.source === 'adfDuplex';
  return (
    `<?xml version="1.0" encoding="UTF-8"?><scan:ScanSettings ${NS}>` +
    '<pwg:Version>2.0</pwg:Version><scan:Intent>Document</scan:Intent>' +
    '<pwg:ScanRegions><pwg:ScanRegion><pwg:ContentRegionUnits>escl:ThreeHundredthsOfInches</pwg:ContentRegionUnits>' +
    `<pwg:XOffset>0</pwg:XOffset><pwg:YOffset>0</pwg:YOffset><pwg:Width>${settings.width}</pwg:Width><pwg:Height>${settings.height}</pwg:Height>` +
    '</pwg:ScanRegion></pwg:ScanRegions>' +
    `<pwg:InputSource>${settings.source === 'flatbed' ? 'Platen' : 'Feeder'}</pwg:InputSource>` +
    (settings.source === 'flatbed' ? '' : `<scan:Duplex>${duplex}</scan:Duplex>`) +
    `<scan:ColorMode>${settings.colourMode}</scan:ColorMode>` +
    `<scan:XResolution>${settings.dpi}</scan:XResolution><scan:YResolution>${settings.dpi}</scan:YResolution>` +
    `<pwg:DocumentFormat>${settings.format}</pwg:DocumentFormat><scan:DocumentFormatExt>${settings.format}</scan:DocumentFormatExt>` +
    '</scan:ScanSettings>'
  );
}

/** A4 in 1/300 inch, clipped to what the input takes (US scanners top out at Letter width). */
const A4 = { width: 2480, height: 3508 };

const nearest = (values: number[], wanted: number) =>
  values.reduce((best, value) => (Math.abs(value - wanted) < Math.abs(best - wanted) ? value : best), values[0] ?? wanted);

export function createEsclScanner(config: EsclScannerConfig): DocumentScanner {
  const status = createScannerStatus('escl');
  const closing = new AbortController();
  const base = config.url.replace(/\/+$/, '');
  let capabilities: EsclCapabilities | undefined;
  let scanning = false;

  /** One request; an unreachable scanner is `scanner.notFound`, an aborted one `scanner.cancelled`. */
  async function call(url: string, options: { method?: 'GET' | 'POST' | 'DELETE'; body?: string; signal?: AbortSignal } = {}) {
    try {
      const response = await request(url, {
        method: options.method ?? 'GET',
        body: options.body,
        headers: options.body ? { 'content-type': 'text/xml' } : {},
        signal: options.signal ?? closing.signal,
        headersTimeout: config.requestTimeoutMs,
        bodyTimeout: config.requestTimeoutMs,
      });
      const body = new Uint8Array(await response.body.arrayBuffer());
      return { statusCode: response.statusCode, headers: response.headers, body };
    } catch (error) {
      if (options.signal?.aborted) throw new KioskError('scanner.cancelled', {}, { cause: error });
      throw new KioskError('scanner.notFound', {}, { cause: error });
    }
  }

  const text = (body: Uint8Array) => new TextDecoder().decode(body);
  /** Parses an XML answer; a scanner that sends something else is failed, not trusted. */
  function parsed<T>(parse: (xml: string) => T, body: Uint8Array, what: string): T {
    try {
      return parse(text(body));
    } catch (error) {
      throw new KioskError('scanner.failed', { reason: `bad ${what}` }, { cause: error });
    }
  }

  async function loadCapabilities(): Promise<EsclCapabilities> {
    if (capabilities) return capabilities;
    const response = await call(`${base}/ScannerCapabilities`);
    if (response.statusCode !== 200) throw new KioskError('scanner.failed', { reason: `capabilities http ${response.statusCode}` });
    capabilities = parsed(parseCapabilities, response.body, 'capabilities');
    return capabilities;
  }

  /** The scanner's own explanation of a refused request, or `fallback` when it gives none. */
  async function explain(fallback: KioskError): Promise<KioskError> {
    const response = await call(`${base}/ScannerStatus`);
    if (response.statusCode !== 200) return fallback;
    return statusFailure(parsed(parseScannerStatus, response.body, 'status')) ?? fallback;
  }

  async function createJob(options: ScanOptions, caps: EsclInputCaps, signal: AbortSignal) {
    const colourMode = ESCL_COLOUR_MODES[options.colourMode];
    if (!caps.colourModes.includes(colourMode)) throw new KioskError('scanner.failed', { reason: `mode ${colourMode} unsupported` });
    if (!caps.formats.includes(config.documentFormat)) throw new KioskError('scanner.failed', { reason: `format ${config.documentFormat} unsupported` });
    const dpi = nearest(caps.resolutions, options.resolution);
    const body = scanSettingsXml({
      source: options.source,
      colourMode,
      dpi,
      format: config.documentFormat,
      width: Math.min(A4.width, caps.maxWidth),
      height: Math.min(A4.height, caps.maxHeight),
    });
    const response = await call(`${base}/ScanJobs`, { method: 'POST', body, signal });
    const location = response.headers.location;
    if (response.statusCode === 201 && typeof location === 'string') return { url: new URL(location, `${base}/`).href.replace(/\/+$/, ''), dpi };
    // 503: another job holds the scanner; 409: the input cannot be used now (empty, open, jammed).
    const fallback = response.statusCode === 503 ? new KioskError('scanner.busy') : new KioskError('scanner.failed', { reason: `job http ${response.statusCode}` });
    throw await explain(fallback);
  }

  async function scan(options: ScanOptions, control: ScanControl = {}): Promise<ScannedPage[]> {
    if (scanning) throw new KioskError('scanner.busy');
    if (control.signal?.aborted) throw new KioskError('scanner.cancelled');
    scanning = true;
    status.set('busy');
    const signal = control.signal ? AbortSignal.any([control.signal, closing.signal]) : closing.signal;
    let jobUrl: string | undefined;
    try {
      const caps = (await loadCapabilities())[options.source];
      if (!caps) throw new KioskError('scanner.failed', { reason: `no ${options.source}` });
      const job = await createJob(options, caps, signal);
      jobUrl = job.url;
      const pages: ScannedPage[] = [];
      const wanted = options.source === 'flatbed' ? 1 : (options.maxPages ?? Infinity);
      for (let retries = 0; pages.length < wanted; ) {
        const response = await call(`${job.url}/NextDocument`, { signal });
        if (response.statusCode === 200) {
          retries = 0;
          const page = await describePage(pages.length + 1, response.body, job.dpi);
          pages.push(page);
          control.onPage?.(page);
        } else if (response.statusCode === 503) {
          // The page is still being scanned (or the scanner is warming up): ask again shortly.
          if (++retries > config.maxRetries) throw new KioskError('scanner.failed', { reason: 'timeout' });
          await sleep(config.retryDelayMs, undefined, { signal }).catch(() => {
            throw new KioskError('scanner.cancelled');
          });
        } else if (response.statusCode === 404 && pages.length > 0) {
          break; // the feeder has no more sheets: the normal end of an ADF job
        } else {
          throw await explain(pages.length === 0 && response.statusCode === 404 ? new KioskError('scanner.noPaper') : new KioskError('scanner.failed', { reason: `page http ${response.statusCode}` }));
        }
      }
      // A job stopped by maxPages still holds sheets; delete it so the scanner is free again.
      if (pages.length >= wanted && options.source !== 'flatbed') await cancelJob(job.url);
      status.set('ready');
      return pages;
    } catch (error) {
      if (jobUrl && error instanceof KioskError && error.code === 'scanner.cancelled') await cancelJob(jobUrl);
      status.set(scannerStateAfter(error));
      throw error;
    } finally {
      scanning = false;
    }
  }

  /** DELETE stops the feeder and frees the scanner; a scanner already done may answer 404. */
  async function cancelJob(url: string) {
    await call(url, { method: 'DELETE', signal: AbortSignal.timeout(config.requestTimeoutMs) }).catch(() => undefined);
  }

  const presence = watchPresence(
    status,
    async () => {
      // Status, not capabilities: they are cached, and the scanner must answer now.
      const response = await call(`${base}/ScannerStatus`).catch(() => null);
      if (!response) return 'offline';
      await loadCapabilities();
      return 'ready';
    },
    { intervalMs: config.pollIntervalMs, scanning: () => scanning },
  );

  return scannerDevice(status, presence, closing, scan);
}
