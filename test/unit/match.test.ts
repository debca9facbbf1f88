import { describe, expect, it } from 'vitest';
import { createMatcher } from '../../lib/http/match';
import { route } from '../../lib/http/route';

const spec = (method: 'GET' | 'POST' | 'DELETE', path: string, fn: string) =>
  route({ fn, method, path, surface: 'ella', access: 'public', store: 'none', status: 200, summary: fn });

const match = createMatcher([
  spec('GET', '/api/v1/users/me', 'me'),
  spec('GET', '/api/v1/users/{email}', 'user'),
  spec('DELETE', '/api/v1/users/{email}', 'delete-user'),
  spec('GET', '/api/v2/nodes', 'nodes'),
]);

describe('route matching', () => {
  it('accepts a trailing slash on every route', () => {
    expect(match('GET', '/api/v2/nodes/')).toMatchObject({ kind: 'route', route: { fn: 'nodes' } });
    expect(match('GET', '/api/v2/nodes')).toMatchObject({ kind: 'route', route: { fn: 'nodes' } });
  });

  it('prefers a literal segment over a parameter, as API Gateway does', () => {
    expect(match('GET', '/api/v1/users/me')).toMatchObject({ route: { fn: 'me' } });
    expect(match('GET', '/api/v1/users/a@b.example')).toMatchObject({ route: { fn: 'user' }, params: { email: 'a@b.example' } });
  });

  it('decodes path parameters and treats broken escapes as unknown', () => {
    expect(match('GET', '/api/v1/users/a%40b.example')).toMatchObject({ params: { email: 'a@b.example' } });
    expect(match('GET', '/api/v1/users/%E0%A4%A')).toEqual({ kind: 'not-found' });
  });

  it('answers 405 with the allowed methods when only the method is wrong', () => {
    expect(match('PUT', '/api/v1/users/x')).toEqual({ kind: 'method-not-allowed', allowed: ['GET', 'DELETE'] });
  });

  it('answers not-found for unknown paths', () => {
    expect(match('GET', '/api/v1/nothing')).toEqual({ kind: 'not-found' });
    expect(match('GET', '/api/v1/users/a/b')).toEqual({ kind: 'not-found' });
  });

  it('takes the rest of the path, slashes and all, into a greedy variable, and nothing for the bare prefix', () => {
    const ui = createMatcher([spec('GET', '/', 'home'), spec('GET', '/ui', 'page'), spec('GET', '/ui/{proxy+}', 'asset')]);
    expect(ui('GET', '/ui/assets/app-X.js')).toMatchObject({ route: { fn: 'asset' }, params: { proxy: 'assets/app-X.js' } });
    expect(ui('GET', '/ui/')).toMatchObject({ route: { fn: 'page' }, params: {} });
    expect(ui('GET', '/')).toMatchObject({ route: { fn: 'home' } });
    expect(ui('GET', '/uix/a')).toEqual({ kind: 'not-found' });
  });
});
