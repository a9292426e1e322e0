import type { IpcMain, WebContents, WebFrameMain } from 'electron';
import { callChannel, eventChannel, failure, hostEventNames, hostMethodNames } from '../shared/contract';
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
