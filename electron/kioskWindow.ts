import type { BrowserWindow, Protocol, Session, WebContents, WebPreferences } from 'electron';
import { readRendererFile, securityHeaders } from './host/rendererFiles';

/**
 * The kiosk window and its lock-down, after Electron's security checklist
 * (https://www.electronjs.org/docs/latest/tutorial/security) and the escape vectors in
 * docs/architecture.md. Electron objects are passed in (main.ts imports them), so every rule here
 * is unit-tested in Node without the Electron binary.
 */

/** The renderer is served from app://kiosk/, never file:// (checklist item 18). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'kiosk';
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** Standard + secure so the page gets a real origin, IndexedDB and WebCrypto. */
export const appSchemePrivileges = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
} as const;

/** Compare parsed parts, never string prefixes (checklist item 13). */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

export function kioskWebPreferences(preload: string, devTools: boolean): WebPreferences {
  return {
    preload,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    disableDialogs: true,
    disableBlinkFeatures: 'Auxclick',
    spellcheck: false,
    devTools,
  };
}

/** No new windows, no navigation away from the app, no webviews, no reload shortcuts' escape. */
export function lockDownWebContents(contents: WebContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  const stayInApp = (event: { url: string; preventDefault(): void }) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  };
  contents.on('will-navigate', stayInApp);
  contents.on('will-redirect', stayInApp);
  contents.on('will-frame-navigate', stayInApp);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  // A crashed or hung renderer is the watchdog's (electron/watchdog.ts, wired in main.ts): it starts
  // the app again, with a back-off.
}

/**
 * Writing plain text to the clipboard, the one permission the page has: the end of a session
 * empties it (renderer/shell/IdleGuard.tsx), so the next person cannot paste what a citizen copied.
 * Reading it stays denied.
 */
const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

/** Deny every other permission (camera, HID pickers, notifications…): devices live in the host. */
export function lockDownSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => callback(ALLOWED_PERMISSIONS.has(permission)));
  session.setPermissionCheckHandler((_contents, permission) => ALLOWED_PERMISSIONS.has(permission));
  session.on('will-download', (event) => event.preventDefault());
}

/** Serves renderer/dist on app://kiosk/ with the CSP as a header (checklist item 7). */
export function registerAppProtocol(protocol: Protocol, rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const file = url.host === APP_HOST ? await readRendererFile(rendererDir, url.pathname) : null;
    if (!file) return new Response('Not found', { status: 404 });
    return new Response(new Uint8Array(file.body), {
      status: file.status,
      headers: { ...securityHeaders, 'Content-Type': file.contentType },
    });
  });
}

/**
 * The window closes only with the app: Alt+F4 under a window manager, or a page's own
 * `window.close()`, would otherwise close the last window and, with it, the kiosk. `app.quit()` (a
 * technician's exit) sends `before-quit` first, which lets the window go.
 */
export function keepOpenUntilQuit(window: Pick<BrowserWindow, 'on'>, app: { once(event: 'before-quit', listener: () => void): unknown }): void {
  let quitting = false;
  app.once('before-quit', () => (quitting = true));
  window.on('close', (event) => {
    if (!quitting) event.preventDefault();
  });
}

export function openKioskWindow(
  Window: typeof BrowserWindow,
  options: { preload: string; devTools: boolean },
): BrowserWindow {
  const window = new Window({
    kiosk: !options.devTools,
    fullscreen: !options.devTools,
    autoHideMenuBar: true,
    backgroundColor: '#ffffff',
    show: false,
    webPreferences: kioskWebPreferences(options.preload, options.devTools),
  });
  lockDownWebContents(window.webContents);
  window.once('ready-to-show', () => window.show());
  void window.loadURL(APP_URL);
  return window;
}
