import { tmpdir } from 'node:os';
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { afterEach, describe, expect, test } from 'vitest';
import { AppInfo, callChannel, createHostClient, eventChannel, hostMethodNames } from '../../shared/contract';
import { KioskConfig } from '../../shared/config';
import { KioskError } from '../../shared/errors';
import { createHost, type Host } from '../../electron/host/createHost';
import { serveIpc } from '../../electron/ipc';
import { assetsDir, memoryLogger } from '../support/kiosk';

type Handler = (event: IpcMainInvokeEvent, input: unknown) => unknown;

/**
 * Electron's ipcMain, as far as ipc.ts uses it: handlers by channel. The Electron binary cannot
 * run here, so this stands in for the transport only; the host behind it is the real one.
 */
function fakeIpcMain() {
  const handlers = new Map<string, Handler>();
  const ipcMain = {
    handle: (channel: string, handler: Handler) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, handler);
    },
    removeHandler: (channel: string) => handlers.delete(channel),
  } as unknown as IpcMain;
  const invoke = async (channel: string, input: unknown, frame: { url: string; parent: unknown } | null) => {
    const handler = handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler({ senderFrame: frame } as unknown as IpcMainInvokeEvent, input);
  };
  return { ipcMain, handlers, invoke };
}

function fakeContents() {
  const sent: Array<[string, unknown]> = [];
  return { sent, contents: { isDestroyed: () => false, send: (channel: string, payload: unknown) => sent.push([channel, payload]) } as unknown as WebContents };
}

const appFrame = { url: 'app://kiosk/index.html', parent: null };
let host: Host | undefined;
afterEach(() => host?.close());

function serve() {
  host = createHost({ config: KioskConfig.parse({ devices: { printer: { driver: 'simulator', connectDelayMs: 50 } } }), kind: 'electron', version: '9.9.9', dataDir: tmpdir(), assetsDir });
  const ipc = fakeIpcMain();
  const out = fakeContents();
  const stop = serveIpc({ ipcMain: ipc.ipcMain, host, contents: out.contents, log: memoryLogger().log });
  return { ...ipc, ...out, stop };
}

describe('the contract over Electron IPC', () => {
  test('app.info answered through ipc.ts is parsed by the contract schema', async () => {
    const { invoke } = serve();
    const client = createHostClient({ call: (method, input) => invoke(callChannel(method), input, appFrame), on: () => () => undefined });
    const info = await client.call('app.info');
    expect(AppInfo.parse(info)).toEqual(info);
    expect(info).toMatchObject({ host: 'electron', version: '9.9.9' });
  });

  test('every contract method has exactly one channel, and stopping removes them all', () => {
    const { handlers, stop } = serve();
    expect([...handlers.keys()].sort()).toEqual(hostMethodNames.map(callChannel).sort());
    stop();
    expect(handlers.size).toBe(0);
  });

  test.each([
    ['a remote page', { url: 'https://evil.example/', parent: null }],
    ['a file:// page', { url: 'file:///etc/passwd', parent: null }],
    ['a subframe of the app', { url: 'app://kiosk/index.html', parent: {} }],
    ['another app:// host', { url: 'app://other/index.html', parent: null }],
    ['a destroyed frame', null],
  ])('a call from %s is refused with host.forbiddenSender', async (_name, frame) => {
    const { invoke } = serve();
    const client = createHostClient({ call: (method, input) => invoke(callChannel(method), input, frame), on: () => () => undefined });
    const error = await client.call('app.info').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KioskError);
    expect((error as KioskError).code).toBe('host.forbiddenSender');
  });

  test('inputs are parsed on the host side: a bad input is host.badInput', async () => {
    const { invoke } = serve();
    expect(await invoke(callChannel('devices.list'), { all: true }, appFrame)).toMatchObject({
      ok: false,
      error: { code: 'host.badInput' },
    });
  });

  test('host events are sent to the kiosk window on their own channel', async () => {
    const { sent } = serve();
    await expect.poll(() => sent.length).toBe(1);
    expect(sent[0]?.[0]).toBe(eventChannel('devices.status'));
    expect(sent[0]?.[1]).toMatchObject({ kind: 'printer', state: 'ready' });
  });
});
