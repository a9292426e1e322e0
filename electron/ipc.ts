import type { IpcMain, IpcMainEvent, WebContents, WebFrameMain } from 'electron';
import { callChannel, eventChannel, failure, hostEventNames, hostMethodNames } from '../shared/contract';
import { watchdogChannels } from '../shared/contractNames';
import { KioskError } from '../shared/errors';
import type { Host } from './host/createHost';
import { dispatch } from './host/dispatch';
import type { Logger } from './host/log';
import { isAppUrl } from './kioskWindow';

/**
 * The contract over Electron IPC: one `ipcMain.handle` channel per method, one `send` channel per
 * event. Only the app's own main frame may call (checklist item 17); inputs are parsed by dispatch.
 */
export function serveIpc({ ipcMain, host, contents, log }: { ipcMain: IpcMain; host: Host; contents: WebContents; log: Logger }): () => void {
  for (const method of hostMethodNames) {
    ipcMain.handle(callChannel(method), (event, input: unknown) =>
      isTrustedSender(event.senderFrame)
        ? dispatch(host, method, input, log)
        : failure(new KioskError('host.forbiddenSender', { method })),
    );
  }
  const unsubscribes = hostEventNames.map((event) =>
    host.on(event, (payload) => {
      if (!contents.isDestroyed()) contents.send(eventChannel(event), payload);
    }),
  );
  return () => {
    for (const method of hostMethodNames) ipcMain.removeHandler(callChannel(method));
    for (const unsubscribe of unsubscribes) unsubscribe();
  };
}

export function isTrustedSender(frame: WebFrameMain | null): boolean {
  return frame !== null && frame.parent === null && isAppUrl(frame.url);
}

/**
 * The watchdog's probe (electron/watchdog.ts): a ping to the kiosk window's preload, answered after the page's next
 * painted frame (requestAnimationFrame runs only for a renderer that paints). An answer from any
 * other sender, or with another id, counts for nothing. Answers the probe and how to stop listening.
 */
export function paintedFrameProbe({ ipcMain, contents }: { ipcMain: Pick<IpcMain, 'on' | 'removeListener'>; contents: Pick<WebContents, 'send' | 'isDestroyed'> }) {
  let lastId = 0;
  const waiting = new Map<number, () => void>();
  const pong = (event: Pick<IpcMainEvent, 'sender'>, id: unknown) => {
    if (event.sender === contents && typeof id === 'number') waiting.get(id)?.();
  };
  ipcMain.on(watchdogChannels.pong, pong);
  const probe = (timeoutMs: number) =>
    new Promise<boolean>((resolve) => {
      if (contents.isDestroyed()) return resolve(false);
      const id = ++lastId;
      const settle = (answered: boolean) => {
        clearTimeout(timer);
        waiting.delete(id);
        resolve(answered);
      };
      const timer = setTimeout(() => settle(false), timeoutMs);
      waiting.set(id, () => settle(true));
      contents.send(watchdogChannels.ping, id);
    });
  return { probe, stop: () => void ipcMain.removeListener(watchdogChannels.pong, pong) };
}
