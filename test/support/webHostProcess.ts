import { startWebHost } from '../../electron/webhost';
import { createLogger } from '../../electron/host/log';
import type { Host } from '../../electron/host/createHost';
import { KioskConfig } from '../../shared/config';
import { testHelperAccount } from './helper';

/**
 * The web host as a child process, so a crash test can SIGKILL it and start it again on the same
 * port and data dir (the page's origin, and so its IndexedDB, stays the same; the token changes).
 * Run as `node --import tsx test/support/webHostProcess.ts` with the settings in the environment:
 * CRASH_HOST_PORT, CRASH_HOST_DATA_DIR, CRASH_HOST_RENDERER_DIR, CRASH_HOST_PORTAL_URL and
 * CRASH_HOST_ENROLMENT_CODE (a fresh one per start, so a kill mid-enrolment cannot strand the kiosk).
 * Prints one line `{"webHostUrl": …}` on stdout when it listens; host logs go to stderr.
 *
 * Crash points (test/e2e/crashPoints.test.ts), optional:
 * - CRASH_POINT_METHODS: comma-separated contract methods of the save/sync pipeline, the save's
 *   first (queue.keepCopy). The calls about the journey's dossier, the first one saved after this
 *   process started (its row's createdAt is later), are counted, k = 1, 2, …, and reported on
 *   stdout as `{"pipelineCall": {k, method, dossier}}`. Calls about older dossiers (the page's
 *   start sending what the last crash left, or dropping an accepted dossier's copy) are served and
 *   not counted, so a journey's points do not depend on what earlier journeys left behind.
 * - CRASH_POINT=<k>:<before|after>:<host|renderer|browser>: the k-th such call crashes. `before`:
 *   the host received it and has done nothing; `after`: the host did it and has not answered. The
 *   child reports `{"crashPointReached": {k, method, phase, victim, at}}` (`at` in ms since the
 *   epoch), then for `host` SIGKILLs itself. For `renderer` and `browser` it holds the call
 *   forever while the test SIGKILLs the page's renderer or Chromium: an answer, even an error,
 *   would let the page go on before it dies. At `before` the call is never done (as if the
 *   renderer had died just before sending it), at `after` its answer dies with the renderer.
 */
const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const report = (line: object) => new Promise<void>((resolve) => process.stdout.write(`${JSON.stringify(line)}\n`, () => resolve()));

/** The dossier a pipeline call is about: its `id` (copies), `uuid` (upload, submit) or package's `uuid` (announce). */
const dossierOf = (input: unknown): string | undefined => {
  const fields = input as { id?: string; uuid?: string; package?: { uuid?: string } };
  return fields.id ?? fields.uuid ?? fields.package?.uuid;
};

/**
 * Wraps the pipeline's handlers in place: the dispatcher (electron/host/dispatch.ts) reads
 * `host.handlers[method]` at each call, so this sees every call the page makes, in arrival order.
 */
function instrumentCrashPoint(host: Host, methods: readonly string[], point: string | undefined): void {
  const [k, phase, victim] = point ? point.split(':') : ['0'];
  if (point && !(Number(k) >= 1 && (phase === 'before' || phase === 'after') && (victim === 'host' || victim === 'renderer' || victim === 'browser'))) {
    throw new Error(`CRASH_POINT=${point} is not <k>:<before|after>:<host|renderer|browser>`);
  }
  const handlers = host.handlers as unknown as Record<string, (input: unknown) => Promise<unknown>>;
  const startedAt = Date.now();
  let journeyDossier: string | undefined;
  let seen = 0;
  const crash = async (method: string): Promise<never> => {
    await report({ crashPointReached: { k: Number(k), method, phase, victim, at: Date.now() } });
    if (victim === 'host') process.kill(process.pid, 'SIGKILL');
    return new Promise<never>(() => undefined);
  };
  for (const method of methods) {
    const handler = handlers[method];
    // A renamed method must not leave the test counting nothing.
    if (!handler) throw new Error(`CRASH_POINT_METHODS names ${method}, which the host does not serve`);
    handlers[method] = async (input) => {
      const dossier = dossierOf(input);
      const createdAt = (input as { row?: { createdAt?: string } }).row?.createdAt;
      if (method === methods[0] && createdAt && Date.parse(createdAt) >= startedAt) journeyDossier ??= dossier;
      if (dossier === undefined || dossier !== journeyDossier) return handler(input);
      const call = (seen += 1);
      await report({ pipelineCall: { k: call, method, dossier } });
      if (call !== Number(k)) return handler(input);
      // The crash point.
      if (phase === 'before') return crash(method);
      await handler(input);
      return crash(method);
    };
  }
}

const webHost = await startWebHost({
  config: KioskConfig.parse({ portal: { url: env('CRASH_HOST_PORTAL_URL'), enrolmentCode: env('CRASH_HOST_ENROLMENT_CODE') }, helpers: [await testHelperAccount()] }),
  rendererDir: env('CRASH_HOST_RENDERER_DIR'),
  dataDir: env('CRASH_HOST_DATA_DIR'),
  assetsDir: env('CRASH_HOST_ASSETS_DIR'),
  version: '0.0.0-crash',
  port: Number(env('CRASH_HOST_PORT')),
  log: createLogger((line) => process.stderr.write(`${line}\n`)),
});
const methods = process.env.CRASH_POINT_METHODS;
if (methods) instrumentCrashPoint(webHost.host, methods.split(','), process.env.CRASH_POINT);
process.stdout.write(`${JSON.stringify({ webHostUrl: webHost.url })}\n`);
process.once('SIGTERM', () => void webHost.close().then(() => process.exit(0)));
