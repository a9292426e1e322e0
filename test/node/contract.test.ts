import { tmpdir } from 'node:os';
import { describe, expect, test } from 'vitest';
import { createHostClient, hostEventNames, hostEvents, hostMethodNames, hostMethods, type HostTransport } from '../../shared/contract';
import { KioskConfig } from '../../shared/config';
import { KioskError } from '../../shared/errors';
import { createHost } from '../../electron/host/createHost';
import { dispatch } from '../../electron/host/dispatch';
import { assetsDir, memoryLogger } from '../support/kiosk';
import { codeOf } from '../support/errors';

const transport = (reply: unknown, events: Array<(payload: unknown) => void> = []): HostTransport => ({
  call: async () => reply,
  on: (_event, listener) => {
    events.push(listener);
    return () => undefined;
  },
});

describe('the client side of the contract', () => {
  test('the name lists used by the preload match the schema tables', () => {
    expect([...hostMethodNames].sort()).toEqual(Object.keys(hostMethods).sort());
    expect([...hostEventNames].sort()).toEqual(Object.keys(hostEvents).sort());
  });

  test.each([
    ['not an envelope', 'hello'],
    ['a value that breaks the schema', { ok: true, value: { name: 'x' } }],
    ['an error without a known code', { ok: false, error: { code: 'fs.secret', params: {} } }],
  ])('a reply that is %s becomes host.badReply', async (_name, reply) => {
    expect(await codeOf(createHostClient(transport(reply)).call('app.info'))).toBe('host.badReply');
  });

  test('a method that answers nothing resolves after its reply crossed JSON, as over the web host', async () => {
    const reply = JSON.parse(JSON.stringify({ ok: true, value: undefined })) as unknown;
    expect(reply).toEqual({ ok: true });
    await expect(createHostClient(transport(reply)).call('queue.dropCopy', { id: '6f1c1a52-4a39-4c41-9a4c-0d6b8d3f7a10' })).resolves.toBeUndefined();
  });

  test('an error reply becomes a KioskError with its code and params', async () => {
    const error = await createHostClient(
      transport({ ok: false, error: { code: 'portal.timeout', params: { seconds: 5 } } }),
    ).call('portal.health').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KioskError);
    expect(error).toMatchObject({ code: 'portal.timeout', params: { seconds: 5 } });
  });

  test('event payloads that break the schema never reach listeners', () => {
    const emit: Array<(payload: unknown) => void> = [];
    const received: unknown[] = [];
    createHostClient(transport(null, emit)).on('devices.status', (status) => received.push(status));
    emit[0]?.({ id: 'x', kind: 'toaster', driver: 'sim', state: 'ready' });
    emit[0]?.({ id: 'p', kind: 'printer', driver: 'simulator', state: 'ready' });
    expect(received).toEqual([{ id: 'p', kind: 'printer', driver: 'simulator', state: 'ready' }]);
  });
});

describe('dispatch, the host side of every transport', () => {
  const host = createHost({ config: KioskConfig.parse({ devices: {} }), kind: 'web', version: '1.0.0', dataDir: tmpdir(), assetsDir });

  test('an unexpected failure is host.internal for the caller, and logged for the technician', async () => {
    const { log, lines } = memoryLogger();
    const broken = { ...host, handlers: { ...host.handlers, 'devices.list': async () => { throw new Error('driver exploded'); } } };
    expect(await dispatch(broken, 'devices.list', undefined, log)).toEqual({ ok: false, error: { code: 'host.internal', params: {} } });
    expect(lines.join('\n')).toContain('driver exploded');
  });

  test('a KioskError keeps its code and is not logged as a failure', async () => {
    const { log, lines } = memoryLogger();
    const refusing = { ...host, handlers: { ...host.handlers, 'devices.list': async () => { throw new KioskError('portal.unreachable'); } } };
    expect(await dispatch(refusing, 'devices.list', undefined, log)).toMatchObject({ ok: false, error: { code: 'portal.unreachable' } });
    expect(lines).toEqual([]);
  });

  test.each([['__proto__'], ['constructor'], ['toString'], [42], [null]])('method name %s is host.unknownMethod', async (method) => {
    expect(await dispatch(host, method, undefined, memoryLogger().log)).toMatchObject({ ok: false, error: { code: 'host.unknownMethod' } });
  });
});
