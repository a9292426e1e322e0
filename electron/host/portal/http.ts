import { z } from 'zod';
import type { PortalHealth } from '../../../shared/contract';
import type { ErrorCode } from '../../../shared/errors';
import type { Portal } from './index';

/** The portal's answer to `GET /v1/health` (docs/portal-protocol.md). */
const HealthResponse = z.object({ status: z.literal('ok'), protocol: z.string() });

export interface HttpPortalOptions {
  baseUrl: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

/** The provincial portal over HTTP. Portal responses are a trust boundary: every one is parsed. */
export function createHttpPortal({ baseUrl, timeoutMs, fetch: doFetch = fetch }: HttpPortalOptions): Portal {
  const url = (path: string) => new URL(path, baseUrl).toString();

  return {
    async health() {
      const started = performance.now();
      const down = (errorCode: ErrorCode): PortalHealth => ({
        url: baseUrl,
        reachable: false,
        latencyMs: null,
        protocol: null,
        errorCode,
      });
      let response: Response;
      try {
        response = await doFetch(url('/v1/health'), { signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        return down(error instanceof DOMException && error.name === 'TimeoutError' ? 'portal.timeout' : 'portal.unreachable');
      }
      // A captive portal or a proxy error page answers too; only our JSON counts as the portal.
      const body = HealthResponse.safeParse(await response.json().catch(() => null));
      if (!response.ok || !body.success) return down('portal.badResponse');
      return {
        url: baseUrl,
        reachable: true,
        latencyMs: Math.round(performance.now() - started),
        protocol: body.data.protocol,
        errorCode: null,
      };
    },
  };
}
