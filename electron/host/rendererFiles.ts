import { readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Serving the built renderer (renderer/dist), shared by the app:// protocol under Electron and
 * by the web host. One policy for both: the page may talk only to its own origin (the host).
 */
export const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "font-src 'self'",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const securityHeaders = {
  'Content-Security-Policy': contentSecurityPolicy,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
} as const;

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.wasm': 'application/wasm',
  '.traineddata': 'application/octet-stream',
};

export interface RendererFile {
  status: 200 | 404;
  contentType: string;
  body: Buffer;
}

/** Reads the file a URL path names inside rootDir; `/` is index.html. Paths that escape the folder are 404. */
export async function readRendererFile(rootDir: string, urlPath: string): Promise<RendererFile> {
  const root = path.resolve(rootDir);
  let pathname: string;
  try {
    pathname = decodeURIComponent(urlPath.split(/[?#]/)[0] ?? '/');
  } catch {
    return notFound();
  }
  const file = path.resolve(root, `.${pathname === '/' ? '/index.html' : pathname}`);
  const contentType = contentTypes[path.extname(file)];
  if (!file.startsWith(root + path.sep) || !contentType) return notFound();
  const body = await readFile(file).catch(() => null);
  return body ? { status: 200, contentType, body } : notFound();
}

const notFound = (): RendererFile => ({
  status: 404,
  contentType: 'text/plain; charset=utf-8',
  body: Buffer.from('Not found'),
});
