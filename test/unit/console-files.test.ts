import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { DomainError } from '../../lib/errors';
import { CONSOLE_HEADERS, loadConsole, serveConsole } from '../../lib/http/console';
import type { Reply } from '../../lib/http/reply';

const dir = mkdtempSync(join(tmpdir(), 'roster-console-'));
mkdirSync(join(dir, 'assets'));
writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="assets/app-ABC.js"></script>');
const script = `export const x = ${JSON.stringify('x'.repeat(4000))};`;
writeFileSync(join(dir, 'assets', 'app-ABC.js'), script);
writeFileSync(join(dir, 'secret.txt'), 'kept outside assets/');
const files = loadConsole(dir);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const get = (path: string, proxy?: string, headers: Record<string, string> = {}): Reply => serveConsole(files, { path, proxy, headers });
const failure = (fn: () => unknown): DomainError => {
  try {
    fn();
  } catch (err) {
    return err as DomainError;
  }
  throw new Error('no failure');
};

describe("the console's files", () => {
  it('redirects / and /ui to ui/, relatively, under the policy', () => {
    for (const path of ['/', '/ui']) {
      const r = get(path);
      expect(r.status).toBe(302);
      expect(r.headers).toMatchObject({ ...CONSOLE_HEADERS, Location: 'ui/' });
    }
  });

  it('serves the page at /ui/ for revalidation, and 304 for its own ETag', () => {
    const page = get('/ui/');
    expect(page.raw!.toString()).toContain('assets/app-ABC.js');
    expect(page.headers).toMatchObject({ 'Cache-Control': 'no-cache', 'Content-Type': 'text/html; charset=utf-8' });
    expect(get('/ui/', undefined, { 'if-none-match': page.headers.ETag! }).status).toBe(304);
    expect(get('/ui/', undefined, { 'if-none-match': '"other"' }).status).toBeUndefined();
  });

  it('serves hashed assets as immutable, gzipped only to a client that takes it', () => {
    const plain = get('/ui/assets/app-ABC.js', 'assets/app-ABC.js');
    expect(plain.headers['Cache-Control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['Content-Encoding']).toBeUndefined();
    expect(plain.raw!.toString()).toBe(script);
    const gzipped = get('/ui/assets/app-ABC.js', 'assets/app-ABC.js', { 'accept-encoding': 'gzip, br' });
    expect(gzipped.headers['Content-Encoding']).toBe('gzip');
    expect(gunzipSync(gzipped.raw!).toString()).toBe(script);
  });

  it('answers 404 under the policy for any name it did not build, including a way out of its directory', () => {
    for (const proxy of ['assets/nope.js', '../package.json', 'assets/../../x', '/etc/passwd']) {
      const err = failure(() => get(`/ui/${proxy}`, proxy));
      expect(err.statusCode, proxy).toBe(404);
      expect(err.headers).toMatchObject(CONSOLE_HEADERS);
    }
    expect(get('/ui/secret.txt', 'secret.txt').headers['Cache-Control']).toBe('no-cache');
  });

  it('says how to build it when it was not built', () => {
    const none = loadConsole(join(dir, 'missing'));
    expect(failure(() => serveConsole(none, { path: '/ui/', proxy: undefined, headers: {} })).message).toMatch(/npm run build/);
  });
});
