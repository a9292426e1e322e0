import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { failure, frameContentType, hostEventNames, tokenProtocolPrefix, webHostPaths, webSocketProtocol, type Reply } from '../shared/contract';
import { decodeFrame, encodeFrame } from '../shared/frame';
import type { KioskConfig } from '../shared/config';
import { KioskError } from '../shared/errors';
import { createHost, type Host } from './host/createHost';
import { dispatch } from './host/dispatch';
import { createSetupHost } from './host/setup';
import { createLogger, type Logger } from './host/log';
import { readRendererFile, securityHeaders } from './host/rendererFiles';

/**
 * The web host: the same contract as the Electron preload, over HTTP (calls) and a WebSocket
 * (events), on 127.0.0.1 only, for Debian's Chromium wherever no Electron binary exists.
 *
 * Who may call: whoever holds the per-run token. It reaches the page in the URL fragment (never
 * sent over the wire, never in a log) and the page keeps it in sessionStorage. The Host header
 * must name this server, which defeats DNS rebinding; the WebSocket also checks Origin.
 */
/** Calls carry scanned pages (an attachment, or a dossier's sealed copy with all of them). */
const MAX_BODY_BYTES = 128 << 20;

export interface WebHostOptions {
  config: KioskConfig;
  /** Where the setup wizard writes the config: given, a kiosk without that file opens on the wizard. */
  configFile?: string;
  rendererDir: string;
  /** The kiosk's own files (its enrolment with the portal). */
  dataDir: string;
  /** The bundled assets (fonts, OCR model). */
  assetsDir: string;
  version: string;
  port?: number;
  log?: Logger;
}

export interface WebHost {
  /** The page to open, with the token in its fragment. */
  url: string;
  origin: string;
  token: string;
  host: Host;
  close(): Promise<void>;
}

export async function startWebHost({ config, configFile, rendererDir, dataDir, assetsDir, version, port = 0, log = createLogger() }: WebHostOptions): Promise<WebHost> {
  // The web host is for development and tests, never a packaged kiosk: the reference portal's demo province key is trusted.
  const hostOptions = { config, kind: 'web' as const, version, dataDir, assetsDir, log, trustDemoKeys: true };
  const host = configFile ? createSetupHost({ ...hostOptions, configFile }) : createHost(hostOptions);
  const token = randomBytes(32).toString('base64url');
  const server = createServer();
  const sockets = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (protocols.has(webSocketProtocol) ? webSocketProtocol : false),
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const hostHeader = new URL(origin).host;
  const hasToken = (candidate: string | undefined) =>
    candidate !== undefined &&
    candidate.length === token.length &&
    timingSafeEqual(Buffer.from(candidate), Buffer.from(token));

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (request.headers.host !== hostHeader) return send(response, 421, 'text/plain', 'Misdirected request');
    const url = new URL(request.url ?? '/', origin);
    if (url.pathname.startsWith(webHostPaths.call)) {
      if (request.method !== 'POST') return send(response, 405, 'text/plain', 'Method not allowed');
      const bearer = request.headers.authorization?.match(/^Bearer (.+)$/)?.[1];
      if (!hasToken(bearer)) return sendFrame(response, 401, failure(new KioskError('host.unauthorized')));
      const method = decodeURIComponent(url.pathname.slice(webHostPaths.call.length));
      return void readBody(request)
        .then((body) => dispatch(host, method, (decodeFrame(body) as { input?: unknown } | null)?.input, log))
        .then(
          (reply) => sendFrame(response, 200, reply),
          () => sendFrame(response, 400, failure(new KioskError('host.badInput', { method }))),
        );
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, 'text/plain', 'Method not allowed');
    void readRendererFile(rendererDir, url.pathname).then((file) => {
      response.writeHead(file.status, { ...securityHeaders, 'Content-Type': file.contentType, 'Cache-Control': 'no-cache' });
      response.end(request.method === 'HEAD' ? undefined : file.body);
    });
  });

  server.on('upgrade', (request, socket, head) => {
    // Node drops its own error handler from an upgraded socket: a page killed mid-handshake (a
    // reset) would otherwise be an unhandled 'error' that ends the host.
    socket.on('error', () => socket.destroy());
    const url = new URL(request.url ?? '/', origin);
    const offered = String(request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    const allowed =
      url.pathname === webHostPaths.events &&
      request.headers.host === hostHeader &&
      request.headers.origin === origin &&
      offered.includes(webSocketProtocol) &&
      offered.some((protocol) => protocol.startsWith(tokenProtocolPrefix) && hasToken(protocol.slice(tokenProtocolPrefix.length)));
    if (!allowed) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => forwardEvents(host, ws));
  });

  log.info('webhost.started', { origin });
  return {
    url: `${origin}/#token=${token}`,
    origin,
    token,
    host,
    async close() {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await host.close();
    },
  };
}

/** Every host event goes to every connected page, as a binary frame of `{event, payload}` (a scanned page carries bytes). */
function forwardEvents(host: Host, ws: WebSocket) {
  const unsubscribes = hostEventNames.map((event) =>
    host.on(event, (payload) => ws.send(Buffer.concat(encodeFrame({ event, payload })))),
  );
  ws.on('close', () => unsubscribes.forEach((unsubscribe) => unsubscribe()));
}

function send(response: ServerResponse, status: number, contentType: string, body: string) {
  response.writeHead(status, { ...securityHeaders, 'Content-Type': `${contentType}; charset=utf-8`, 'Cache-Control': 'no-store' });
  response.end(body);
}

function sendFrame(response: ServerResponse, status: number, reply: Reply) {
  response.writeHead(status, { ...securityHeaders, 'Content-Type': frameContentType, 'Cache-Control': 'no-store' });
  for (const piece of encodeFrame(reply)) response.write(piece);
  response.end();
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
