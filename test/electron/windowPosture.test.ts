import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { contentSecurityPolicy } from '../../electron/host/rendererFiles';
import { APP_URL } from '../../electron/kioskWindow';
import { electronBinary, launchBuiltKiosk, windowPreferences, windowState, type ElectronKiosk } from './electronApp';

/**
 * The kiosk window's posture in the running app, read from its main process and its page: what
 * test/node/kioskWindow.test.ts checks on fake Electron objects, here on the real ones. The same
 * app packed (devtools off, kiosk mode) is test/electron/packaging.test.ts's.
 */
const electron = electronBinary();

describe.skipIf(electron.missing)('the Electron kiosk window', () => {
  let kiosk: ElectronKiosk;
  beforeAll(async () => {
    kiosk = await launchBuiltKiosk(electron.path!);
    await kiosk.page.waitForFunction(() => document.querySelector('h1') !== null);
  }, 120_000);
  afterAll(() => kiosk?.close());

  test('was created sandboxed and context-isolated, without Node, with web security on', async () => {
    expect(await windowPreferences(kiosk.app)).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
    });
    // As the page sees it: no Node, and the host only through the context bridge, which exists
    // only in an isolated context.
    expect(
      await kiosk.page.evaluate(() => ({
        require: typeof (globalThis as Record<string, unknown>).require,
        process: typeof (globalThis as Record<string, unknown>).process,
        bridge: 'kioskHost' in window,
      })),
    ).toEqual({ require: 'undefined', process: 'undefined', bridge: true });
  });

  test('shows one window, on app://kiosk/, served with the kiosk CSP as a header', async () => {
    expect(await windowState(kiosk.app)).toMatchObject({ windows: 1, url: APP_URL, devToolsOpened: false });
    const csp = await kiosk.page.evaluate(async () => (await fetch('/index.html')).headers.get('Content-Security-Policy'));
    expect(csp).toBe(contentSecurityPolicy);
  });

  test('denies every permission the page asks for or checks, but writing the clipboard to empty it', async () => {
    const answers = await kiosk.page.evaluate(async () => ({
      notificationsRequested: await Notification.requestPermission(),
      notifications: (await navigator.permissions.query({ name: 'notifications' })).state,
      geolocation: (await navigator.permissions.query({ name: 'geolocation' })).state,
      clipboardRead: (await navigator.permissions.query({ name: 'clipboard-read' as PermissionName })).state,
      clipboardWrite: (await navigator.permissions.query({ name: 'clipboard-write' as PermissionName })).state,
    }));
    expect(answers).toEqual({ notificationsRequested: 'denied', notifications: 'denied', geolocation: 'denied', clipboardRead: 'denied', clipboardWrite: 'granted' });
  });
});
