import { failure, hostMethods, isMethodName, type Reply } from '../../shared/contract';
import { KioskError } from '../../shared/errors';
import type { Host } from './createHost';
import type { Logger } from './log';

/**
 * The receiving side of every transport (IPC and web host): the renderer is the less trusted
 * party, so the method name and its input are checked here, and what leaves is a Reply.
 */
export async function dispatch(host: Host, method: unknown, rawInput: unknown, log: Logger): Promise<Reply> {
  if (!isMethodName(method)) return failure(new KioskError('host.unknownMethod'));
  const input = hostMethods[method].input.safeParse(rawInput);
  if (!input.success) return failure(new KioskError('host.badInput', { method }));
  try {
    const handler = host.handlers[method] as (input: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(input.data) };
  } catch (error) {
    if (!(error instanceof KioskError)) log.error('host.handlerFailed', { method, error });
    return failure(error);
  }
}
