import { startWebHost } from '../../electron/webhost';
import { createLogger } from '../../electron/host/log';
import { KioskConfig } from '../../shared/config';

/**
 * The web host as a child process, so a crash test can SIGKILL it and start it again on the same
 * port and data dir (the page's origin, and so its IndexedDB, stays the same; the token changes).
 * Run as `node --import tsx test/support/webHostProcess.ts` with the settings in the environment:
 * CRASH_HOST_PORT, CRASH_HOST_DATA_DIR, CRASH_HOST_RENDERER_DIR, CRASH_HOST_PORTAL_URL and
 * CRASH_HOST_ENROLMENT_CODE (a fresh one per start, so a kill mid-enrolment cannot strand the kiosk).
 * Prints one line `{"webHostUrl": …}` on stdout when it listens; host logs go to stderr.
 */
const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const webHost = await startWebHost({
  config: KioskConfig.parse({ portal: { url: env('CRASH_HOST_PORTAL_URL'), enrolmentCode: env('CRASH_HOST_ENROLMENT_CODE') } }),
  rendererDir: env('CRASH_HOST_RENDERER_DIR'),
  dataDir: env('CRASH_HOST_DATA_DIR'),
  version: '0.0.0-crash',
  port: Number(env('CRASH_HOST_PORT')),
  log: createLogger((line) => process.stderr.write(`${line}\n`)),
});
process.stdout.write(`${JSON.stringify({ webHostUrl: webHost.url })}\n`);
process.once('SIGTERM', () => void webHost.close().then(() => process.exit(0)));
