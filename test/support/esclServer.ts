import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small eSCL scanner on 127.0.0.1 for the driver's tests, answering as Mopria's eSCL spec and
 * sane-airscan expect: capabilities, status with an ADF state, ScanJobs (201 + Location),
 * NextDocument (a page, 404 when the feeder is done, 503 while "scanning"), and DELETE. The pages
 * are real scans by SANE's test backend (`scanimage -d test`) at the settings the job asked for.
 * It parses ScanSettings on its own, so the driver's XML code is not checking itself.
 */

export type AdfState = 'ScannerAdfLoaded' | 'ScannerAdfEmpty' | 'ScannerAdfJam' | 'ScannerAdfDoorOpen';

export interface EsclBehaviour {
  adfState: AdfState;
  /** Sheets in the feeder for each job. */
  adfSheets: number;
  /** NextDocument answers 503 this many times before each page, as a scanner still feeding does. */
  busyAnswers: number;
  /** The feeder jams instead of giving this page (1-based): 409, and AdfState ScannerAdfJam. */
  jamAtPage: number | null;
  /**
   * Takes a feeder job even with the feeder empty and answers its first NextDocument 404, as some
   * scanners do, instead of refusing the job with 409.
   */
  acceptsJobWhenEmpty: boolean;
  /** Another job holds the scanner: State Processing, and new jobs get 503. */
  processingOtherJob: boolean;
}

export interface EsclServer {
  /** The eSCL root to configure, e.g. http://127.0.0.1:PORT/eSCL. */
  url: string;
  behaviour: EsclBehaviour;
  /** Every request as "METHOD /path", in order. */
  requests: string[];
  /** The ScanSettings bodies received. */
  settings: string[];
  close(): Promise<void>;
}

const CAPABILITIES_INPUT = (maxHeight: number) => `
      <scan:MinWidth>16</scan:MinWidth><scan:MaxWidth>2550</scan:MaxWidth>
      <scan:MinHeight>16</scan:MinHeight><scan:MaxHeight>${maxHeight}</scan:MaxHeight>
      <scan:SettingProfiles><scan:SettingProfile>
        <scan:ColorModes><scan:ColorMode>BlackAndWhite1</scan:ColorMode><scan:ColorMode>Grayscale8</scan:ColorMode><scan:ColorMode>RGB24</scan:ColorMode></scan:ColorModes>
        <scan:DocumentFormats><pwg:DocumentFormat>image/jpeg</pwg:DocumentFormat><pwg:DocumentFormat>image/png</pwg:DocumentFormat><pwg:DocumentFormat>application/pdf</pwg:DocumentFormat>
          <scan:DocumentFormatExt>image/jpeg</scan:DocumentFormatExt><scan:DocumentFormatExt>image/png</scan:DocumentFormatExt></scan:DocumentFormats>
        <scan:SupportedResolutions><scan:DiscreteResolutions>
          ${[75, 100, 150, 200, 300].map((dpi) => `<scan:DiscreteResolution><scan:XResolution>${dpi}</scan:XResolution><scan:YResolution>${dpi}</scan:YResolution></scan:DiscreteResolution>`).join('')}
        </scan:DiscreteResolutions></scan:SupportedResolutions>
      </scan:SettingProfile></scan:SettingProfiles>`;

const NS = 'xmlns:scan="http://schemas.hp.com/imaging/escl/2011/05/03" xmlns:pwg="http://www.pwg.org/schemas/2010/12/sm"';
const CAPABILITIES = `<?xml version="1.0" encoding="UTF-8"?>
<scan:ScannerCapabilities ${NS}>
  <pwg:Version>2.63</pwg:Version><pwg:MakeAndModel>Kiosk Test eSCL</pwg:MakeAndModel>
  <scan:Platen><scan:PlatenInputCaps>${CAPABILITIES_INPUT(3508)}</scan:PlatenInputCaps></scan:Platen>
  <scan:Adf>
    <scan:AdfSimplexInputCaps>${CAPABILITIES_INPUT(4200)}</scan:AdfSimplexInputCaps>
    <scan:AdfDuplexInputCaps>${CAPABILITIES_INPUT(4200)}</scan:AdfDuplexInputCaps>
    <scan:FeederCapacity>50</scan:FeederCapacity>
    <scan:AdfOptions><scan:AdfOption>Duplex</scan:AdfOption></scan:AdfOptions>
  </scan:Adf>
</scan:ScannerCapabilities>`;

interface Job {
  id: string;
  settings: { feeder: boolean; duplex: boolean; colourMode: string; dpi: number; format: string; widthMm: number; heightMm: number };
  pagesGiven: number;
  busyLeft: number;
  deleted: boolean;
}

const field = (xml: string, name: string) => new RegExp(`<(?:\\w+:)?${name}>([^<]*)</(?:\\w+:)?${name}>`).exec(xml)?.[1]?.trim();
/** SANE's test backend takes at most 200 mm either way. */
const toMm = (threeHundredths: number) => Math.min(200, Math.round((threeHundredths / 300) * 25.4));

/** A page as the test backend scans it with these settings: PNG or JPEG bytes. */
function scanPage(settings: Job['settings']): Promise<Buffer> {
  const mode = settings.colourMode === 'RGB24' ? ['--mode=Color'] : ['--mode=Gray', ...(settings.colourMode === 'BlackAndWhite1' ? ['--depth=1'] : [])];
  const args = [
    '--device-name=test',
    `--format=${settings.format === 'image/png' ? 'png' : 'jpeg'}`,
    ...mode,
    `--resolution=${settings.dpi}`,
    '--test-picture=Color pattern',
    `-x`, String(settings.widthMm),
    `-y`, String(settings.heightMm),
  ];
  return new Promise((resolve, reject) =>
    execFile('scanimage', args, { encoding: 'buffer', maxBuffer: 64 << 20 }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
  );
}

/** `port` 0 takes a free one; a test that restarts "the same scanner" passes the old one. */
export async function startEsclServer(behaviour: Partial<EsclBehaviour> = {}, port = 0): Promise<EsclServer> {
  const state: EsclBehaviour = { adfState: 'ScannerAdfLoaded', adfSheets: 3, busyAnswers: 0, jamAtPage: null, acceptsJobWhenEmpty: false, processingOtherJob: false, ...behaviour };
  const jobs = new Map<string, Job>();
  const requests: string[] = [];
  const settingsSeen: string[] = [];

  const statusXml = () =>
    `<?xml version="1.0" encoding="UTF-8"?><scan:ScannerStatus ${NS}><pwg:Version>2.63</pwg:Version>` +
    `<pwg:State>${state.processingOtherJob ? 'Processing' : 'Idle'}</pwg:State><scan:AdfState>${state.adfState}</scan:AdfState></scan:ScannerStatus>`;

  const send = (response: ServerResponse, status: number, body: string | Buffer = '', headers: Record<string, string> = {}) => {
    response.writeHead(status, { 'content-length': Buffer.byteLength(body), ...headers });
    response.end(body);
  };

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    requests.push(`${request.method} ${path}`);
    const jobMatch = /^\/eSCL\/ScanJobs\/([\w-]+)(\/NextDocument)?$/.exec(path);

    if (request.method === 'GET' && path === '/eSCL/ScannerCapabilities') return send(response, 200, CAPABILITIES, { 'content-type': 'text/xml' });
    if (request.method === 'GET' && path === '/eSCL/ScannerStatus') return send(response, 200, statusXml(), { 'content-type': 'text/xml' });
    if (request.method === 'POST' && path === '/eSCL/ScanJobs') {
      settingsSeen.push(body);
      if (state.processingOtherJob) return send(response, 503);
      const feeder = field(body, 'InputSource') === 'Feeder';
      const feederReady = state.adfState === 'ScannerAdfLoaded' || (state.acceptsJobWhenEmpty && state.adfState === 'ScannerAdfEmpty');
      if (feeder && !feederReady) return send(response, 409);
      const id = randomUUID();
      jobs.set(id, {
        id,
        settings: {
          feeder,
          duplex: field(body, 'Duplex') === 'true',
          colourMode: field(body, 'ColorMode') ?? 'RGB24',
          dpi: Number(field(body, 'XResolution') ?? 300),
          format: field(body, 'DocumentFormatExt') ?? field(body, 'DocumentFormat') ?? 'image/jpeg',
          widthMm: toMm(Number(field(body, 'Width') ?? 2480)),
          heightMm: toMm(Number(field(body, 'Height') ?? 3508)),
        },
        pagesGiven: 0,
        busyLeft: state.busyAnswers,
        deleted: false,
      });
      return send(response, 201, '', { location: `/eSCL/ScanJobs/${id}` });
    }
    const job = jobMatch ? jobs.get(jobMatch[1]!) : undefined;
    if (!job || job.deleted) return send(response, 404);
    if (request.method === 'DELETE' && !jobMatch![2]) {
      job.deleted = true;
      return send(response, 200);
    }
    if (request.method !== 'GET' || !jobMatch![2]) return send(response, 405);

    const sheets = state.adfState === 'ScannerAdfEmpty' ? 0 : state.adfSheets;
    const pagesInJob = job.settings.feeder ? sheets * (job.settings.duplex ? 2 : 1) : 1;
    if (job.pagesGiven >= pagesInJob) {
      if (job.settings.feeder) state.adfState = 'ScannerAdfEmpty';
      return send(response, 404);
    }
    if (job.busyLeft > 0) {
      job.busyLeft -= 1;
      return send(response, 503, '', { 'retry-after': '1' });
    }
    if (state.jamAtPage === job.pagesGiven + 1) {
      state.adfState = 'ScannerAdfJam';
      return send(response, 409);
    }
    const page = await scanPage(job.settings);
    job.pagesGiven += 1;
    job.busyLeft = state.busyAnswers;
    return send(response, 200, page, { 'content-type': job.settings.format === 'image/png' ? 'image/png' : 'image/jpeg' });
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => send(response, 500));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/eSCL`,
    behaviour: state,
    requests,
    settings: settingsSeen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
