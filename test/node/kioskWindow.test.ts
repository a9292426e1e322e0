import { EventEmitter } from 'node:events';
import type { Protocol, Session, WebContents } from 'electron';
import { describe, expect, test, vi } from 'vitest';
import {
  APP_URL,
  isAppUrl,
  keepOpenUntilQuit,
  kioskWebPreferences,
  lockDownSession,
  lockDownWebContents,
  registerAppProtocol,
} from '../../electron/kioskWindow';
import { rendererDir } from '../support/kiosk';

/** Electron's objects, as far as the lock-down touches them (the binary cannot run here). */
function fakeContents() {
  const emitter = new EventEmitter();
  let openHandler: (() => unknown) | undefined;
  const contents = Object.assign(emitter, {
    setWindowOpenHandler: (handler: () => unknown) => (openHandler = handler),
  });
  return { contents: contents as unknown as WebContents, emitter, open: () => openHandler?.() };
}

function navigate(emitter: EventEmitter, event: string, url: string): boolean {
  const details = { url, preventDefault: vi.fn() };
  emitter.emit(event, details, url);
  return details.preventDefault.mock.calls.length > 0;
}

describe('kiosk window', () => {
  test('web preferences follow the Electron security checklist', () => {
    const prefs = kioskWebPreferences('/app/preload.cjs', false);
    expect(prefs).toMatchObject({
      preload: '/app/preload.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      disableDialogs: true,
      disableBlinkFeatures: 'Auxclick',
      devTools: false,
    });
  });

  test('window.open and target=_blank are denied', () => {
    const { contents, open } = fakeContents();
    lockDownWebContents(contents);
    expect(open()).toEqual({ action: 'deny' });
  });

  test.each(['will-navigate', 'will-redirect', 'will-frame-navigate'])('%s away from the app is prevented', (event) => {
    const { contents, emitter } = fakeContents();
    lockDownWebContents(contents);
    for (const url of ['https://example.org/', 'file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,x', 'mailto:a@b.vn', 'app://other/', 'app://kiosk.evil/']) {
      expect(navigate(emitter, event, url), url).toBe(true);
    }
    expect(navigate(emitter, event, 'app://kiosk/index.html')).toBe(false);
  });

  test('the window does not close (Alt+F4, window.close()) until the app quits', () => {
    const window = new EventEmitter();
    const app = new EventEmitter();
    keepOpenUntilQuit(window as never, app as never);
    const close = () => {
      const event = { preventDefault: vi.fn() };
      window.emit('close', event);
      return event.preventDefault.mock.calls.length === 0;
    };
    expect(close()).toBe(false);
    expect(close()).toBe(false);
    app.emit('before-quit');
    expect(close()).toBe(true);
  });

  test('webviews cannot attach', () => {
    const { contents, emitter } = fakeContents();
    lockDownWebContents(contents);
    const attach = { preventDefault: vi.fn() };
    emitter.emit('will-attach-webview', attach);
    expect(attach.preventDefault).toHaveBeenCalled();
  });

  test('every permission request and check is denied but writing the clipboard (to empty it), downloads are cancelled', () => {
    const emitter = new EventEmitter();
    let request: ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | undefined;
    let check: ((contents: unknown, permission: string) => boolean) | undefined;
    const session = Object.assign(emitter, {
      setPermissionRequestHandler: (handler: typeof request) => (request = handler),
      setPermissionCheckHandler: (handler: typeof check) => (check = handler),
    }) as unknown as Session;
    lockDownSession(session);
    for (const permission of ['media', 'geolocation', 'notifications', 'hid', 'usb', 'serial', 'fileSystem', 'openExternal', 'clipboard-read']) {
      const callback = vi.fn();
      request?.(null, permission, callback);
      expect(callback, permission).toHaveBeenCalledWith(false);
      expect(check?.(null, permission), permission).toBe(false);
    }
    const write = vi.fn();
    request?.(null, 'clipboard-sanitized-write', write);
    expect(write).toHaveBeenCalledWith(true);
    expect(check?.(null, 'clipboard-sanitized-write')).toBe(true);
    const download = { preventDefault: vi.fn() };
    emitter.emit('will-download', download);
    expect(download.preventDefault).toHaveBeenCalled();
  });

  test('app:// serves the built renderer with the CSP header and nothing outside it', async () => {
    let handler: ((request: Request) => Promise<Response>) | undefined;
    registerAppProtocol({ handle: (_scheme: string, h: typeof handler) => (handler = h) } as unknown as Protocol, rendererDir);
    const index = await handler!(new Request(APP_URL));
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await index.text()).toContain('<div id="root">');
    for (const url of ['app://kiosk/%2e%2e/%2e%2e/package.json', 'app://other/index.html', 'app://kiosk/missing.js']) {
      expect((await handler!(new Request(url))).status, url).toBe(404);
    }
  });

  test.each([
    ['app://kiosk/index.html', true],
    ['app://kiosk/', true],
    ['app://kiosk.evil.example/', false],
    ['app://other/', false],
    ['https://kiosk/', false],
    ['not a url', false],
  ])('isAppUrl(%s) is %s', (url, expected) => expect(isAppUrl(url)).toBe(expected));
});
