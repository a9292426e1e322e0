import { contextBridge, ipcRenderer } from 'electron';
import { callChannel, eventChannel, isEventName, isMethodName, watchdogChannels } from '../shared/contractNames';

/**
 * Exposes `kioskHost = {call, on}` and nothing else: no ipcRenderer, no process, and listeners get
 * the payload only, never the IpcRendererEvent. Names come from the contract, so the page can
 * reach only the contract's channels. Bundled (sandboxed preloads cannot require our modules).
 */
contextBridge.exposeInMainWorld('kioskHost', {
  call(method: unknown, input: unknown): Promise<unknown> {
    if (!isMethodName(method)) {
      return Promise.resolve({ ok: false, error: { code: 'host.unknownMethod', params: {} } });
    }
    return ipcRenderer.invoke(callChannel(method), input);
  },
  on(event: unknown, listener: (payload: unknown) => void): () => void {
    if (!isEventName(event)) return () => undefined;
    const channel = eventChannel(event);
    const forward = (_event: unknown, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, forward);
    return () => void ipcRenderer.removeListener(channel, forward);
  },
});

/** The preload runs in the renderer: a browser global, which this Node-typed project does not declare. */
declare const requestAnimationFrame: (callback: () => void) => number;

// The watchdog's question, answered once the page paints its next frame: a hung or blank renderer does not answer.
ipcRenderer.on(watchdogChannels.ping, (_event, id: unknown) => requestAnimationFrame(() => ipcRenderer.send(watchdogChannels.pong, id)));
