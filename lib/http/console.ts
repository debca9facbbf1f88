import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DomainError } from '../errors';
import { rawReply, type Reply } from './reply';

/**
 * On every answer of the console, files, redirects and errors alike: scripts, styles and
 * requests from this origin only (the page has no inline script or style), never framed,
 * no MIME sniffing, no referrer sent with the API's calls.
 */
export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** Names under assets/ carry their content's hash (infra/build.ts): a name never changes meaning. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};
const COMPRESSIBLE = /^(text\/|image\/svg|application\/json)/;

interface ConsoleFile {
  bytes: Buffer;
  /** The same bytes gzipped, when that is smaller (text over a kilobyte). */
  gzipped?: Buffer;
  type: string;
  etag: string;
  cache: string;
}

/** The built console under `dir`, read once (a cold start); empty when it was not built. */
export function loadConsole(dir: string): ReadonlyMap<string, ConsoleFile> {
  const files = new Map<string, ConsoleFile>();
  if (!existsSync(dir)) return files;
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const path = join(dir, name);
    if (!statSync(path).isFile()) continue;
    const key = name.split(sep).join('/');
    const bytes = readFileSync(path);
    const type = TYPES[extname(name)] ?? 'application/octet-stream';
    const gzipped = COMPRESSIBLE.test(type) && bytes.length > 1024 ? gzipSync(bytes, { level: 9 }) : undefined;
    files.set(key, {
      bytes,
      ...(gzipped && gzipped.length < bytes.length ? { gzipped } : {}),
      type,
      etag: `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 22)}"`,
      cache: key.startsWith('assets/') ? IMMUTABLE : 'no-cache',
    });
  }
  return files;
}

export interface ConsoleRequest {
  /** The request's path as sent (`/`, `/ui`, `/ui/`, `/ui/assets/…`). */
  path: string;
  /** The greedy part after `/ui/`, when the request has one. */
  proxy: string | undefined;
  headers: Readonly<Record<string, string | undefined>>;
}

/**
 * Answers a request for the console: `/` and `/ui` redirect to `/ui/` (relatively, so a
 * stage or base path in front is kept), `/ui/` is the page, anything else one of its files
 * or 404. Conditional requests get 304; clients that take gzip get it.
 */
export function serveConsole(files: ReadonlyMap<string, ConsoleFile>, { path, proxy, headers }: ConsoleRequest): Reply {
  if (proxy === undefined && !/^\/ui\/+$/.test(path)) {
    return rawReply(Buffer.alloc(0), { status: 302, headers: { ...CONSOLE_HEADERS, Location: 'ui/', 'Cache-Control': 'no-cache' } });
  }
  const key = proxy === undefined || proxy === '' ? 'index.html' : proxy;
  const file = files.get(key);
  if (!file) {
    throw new DomainError(404, files.size === 0 ? 'The console is not built: run npm run build' : 'Not found', { ...CONSOLE_HEADERS });
  }
  const common = { ...CONSOLE_HEADERS, 'Cache-Control': file.cache, ETag: file.etag, Vary: 'Accept-Encoding' };
  if (headers['if-none-match']?.split(/\s*,\s*/).includes(file.etag)) return rawReply(Buffer.alloc(0), { status: 304, headers: common });
  const gzip = file.gzipped !== undefined && /\bgzip\b/i.test(headers['accept-encoding'] ?? '');
  return rawReply(gzip ? file.gzipped! : file.bytes, {
    headers: { ...common, 'Content-Type': file.type, ...(gzip ? { 'Content-Encoding': 'gzip' } : {}) },
  });
}
