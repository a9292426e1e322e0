import {
  createHostClient,
  failure,
  frameContentType,
  tokenProtocolPrefix,
  webHostPaths,
  webSocketProtocol,
  type EventName,
  type HostApi,
  type HostTransport,
} from '../shared/contract';
import { KioskError } from '../shared/errors';
import { decodeFrame, encodeFrame } from '../shared/frame';

declare global {
  interface Window {
    /** Set by the Electron preload; absent when the page is served by the web host. */
    kioskHost?: HostTransport;
  }
}

const TOKEN_KEY = 'kioskHost.token';

/**
 * The web host hands the per-run token in the URL fragment; keep it for reloads of this tab and
 * take it out of the address bar.
 */
function takeToken(win: Window): string {
  const fromUrl = new URLSearchParams(win.location.hash.slice(1)).get('token');
  if (fromUrl) {
    win.sessionStorage.setItem(TOKEN_KEY, fromUrl);
    win.history.replaceState(null, '', win.location.pathname);
  }
  return win.sessionStorage.getItem(TOKEN_KEY) ?? '';
}

/** The web host's side of the contract: calls as frames over fetch, events as frames over one reconnecting WebSocket. */
export function createWebTransport(win: Window): HostTransport {
  const token = takeToken(win);
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let socket: WebSocket | undefined;
  let retryMs = 500;

  const connect = () => {
    const url = `${win.location.origin.replace(/^http/, 'ws')}${webHostPaths.events}`;
    socket = new WebSocket(url, [webSocketProtocol, `${tokenProtocolPrefix}${token}`]);
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => (retryMs = 500);
    socket.onmessage = (message: MessageEvent<ArrayBuffer>) => {
      const { event, payload } = decodeFrame(new Uint8Array(message.data)) as { event: EventName; payload: unknown };
      for (const listener of listeners.get(event) ?? []) listener(payload);
    };
    socket.onclose = () => {
      win.setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 10_000);
    };
  };

  return {
    async call(method, input) {
      try {
        // A Blob of the frame's pieces: Chromium uploads it without copying the pages again.
        const response = await win.fetch(`${webHostPaths.call}${encodeURIComponent(method)}`, {
          method: 'POST',
          headers: { 'Content-Type': frameContentType, Authorization: `Bearer ${token}` },
          body: new Blob(encodeFrame({ input })),
        });
        return decodeFrame(new Uint8Array(await response.arrayBuffer()));
      } catch {
        return failure(new KioskError('host.unreachable'));
      }
    },
    on(event, listener) {
      if (!socket) connect();
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => void set.delete(listener);
    },
  };
}

let current: HostApi | undefined;

/** The only way the UI reaches the host: Electron's preload when present, else the web host. */
export function host(): HostApi {
  current ??= createHostClient(window.kioskHost ?? createWebTransport(window));
  return current;
}
