import Fastify, { type FastifyInstance } from 'fastify';
import { openPortalStore, type PortalStore } from './store';

export const PROTOCOL_VERSION = 'v1';

/**
 * The stand-in provincial portal: a real HTTP server implementing docs/portal-protocol.md, so the
 * kiosk is developed and tested against the wire, never against a mock. Product code never
 * imports this folder.
 */
export function createReferencePortal({ store, logger = false }: { store: PortalStore; logger?: boolean }): FastifyInstance {
  const app = Fastify({ logger });

  app.get('/v1/health', async () => ({
    status: 'ok' as const,
    service: 'dvc-reference-portal',
    protocol: PROTOCOL_VERSION,
    time: new Date().toISOString(),
    dossiers: store.dossierCount(),
  }));

  app.addHook('onClose', async () => store.close());
  return app;
}

export async function startReferencePortal(options: { dbFile: string; port: number; logger?: boolean }) {
  const app = createReferencePortal({ store: openPortalStore(options.dbFile), logger: options.logger ?? false });
  const address = await app.listen({ host: '127.0.0.1', port: options.port });
  return { app, url: address };
}
