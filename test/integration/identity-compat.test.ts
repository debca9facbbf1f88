import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessToken, bearer } from '../support/auth';
import { call, client } from '../support/http';
import { startRuntime, type Runtime } from '../support/runtime';

let rt: Runtime;
const ADMIN = { email: 'boot@roster.test', password: 'boot-password' };
const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

beforeAll(async () => {
  rt = await startRuntime({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, KEY_CACHE_SECONDS: '1' });
});
afterAll(() => rt?.stop());

describe('bootstrap', () => {
  it('creates the admin from ADMIN_EMAIL and ADMIN_PASSWORD at start, and init is then 403', async () => {
    expect(rt.logs().join('\n')).not.toContain(ADMIN.password);
    expect((await client(rt.url).get('/api/v1/status')).body.result.initialized).toBe(true);
    expect((await client(rt.url).post('/api/v1/init', { email: 'x@roster.test', password: 'password-1' })).status).toBe(403);
    expect((await client(rt.url).post('/api/v1/auth/login', ADMIN)).status).toBe(200);
  });
});

describe('Sensu Go', () => {
  it('logs in with Basic, refreshes once per refresh token, and revokes the session on a replay', async () => {
    const login = await client(rt.url).get('/auth', basic(ADMIN.email, ADMIN.password));
    expect(login.status).toBe(200);
    const { access_token, expires_at, refresh_token } = login.body;
    expect(expires_at).toBeGreaterThan(Date.now() / 1000);
    expect(expires_at).toBeLessThan(Date.now() / 1000 + 3600);
    expect((await client(rt.url, bearer(access_token)).get('/api/core/v2/cluster/id')).status).toBe(200);

    const next = await client(rt.url).post('/auth/token', { refresh_token });
    expect(next.status).toBe(200);
    expect(next.body.refresh_token).not.toBe(refresh_token);
    // The used token again: refused, and the session (with the newer tokens) is revoked.
    const replay = await client(rt.url).post('/auth/token', { refresh_token });
    expect(replay.status).toBe(401);
    expect(replay.body).toMatchObject({ code: 5 });
    expect((await client(rt.url).post('/auth/token', { refresh_token: next.body.refresh_token })).status).toBe(401);
    expect((await client(rt.url, bearer(next.body.access_token)).get('/api/core/v2/cluster/id')).status).toBe(401);
  });

  it('logs out: the refresh token and the access token stop at once', async () => {
    const { access_token, refresh_token } = (await client(rt.url).get('/auth', basic(ADMIN.email, ADMIN.password))).body;
    expect((await client(rt.url, bearer(access_token)).post('/auth/logout', { refresh_token })).status).toBe(200);
    expect((await client(rt.url).post('/auth/token', { refresh_token })).status).toBe(401);
    expect((await client(rt.url, bearer(access_token)).get('/api/core/v2/cluster/id')).status).toBe(401);
  });

  it('refuses a wrong password, and Basic anywhere else', async () => {
    expect((await client(rt.url).get('/auth', basic(ADMIN.email, 'wrong-password'))).status).toBe(401);
    expect((await client(rt.url).get('/auth')).status).toBe(401);
    expect((await client(rt.url).get('/api/core/v2/cluster/id', basic(ADMIN.email, ADMIN.password))).status).toBe(401);
    expect((await client(rt.url).get('/api/v1/users/me', basic(ADMIN.email, ADMIN.password))).status).toBe(401);
  });
});

describe('CockroachDB', () => {
  const form = (username: string, password: string) =>
    call(rt.url, 'POST', '/api/v2/login/', {
      body: new URLSearchParams({ username, password }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

  it('logs in with a form, authenticates every route with X-Cockroach-API-Session, lists sessions, and logs out', async () => {
    const login = await form(ADMIN.email, ADMIN.password);
    expect(login.status).toBe(200);
    const session = { 'x-cockroach-api-session': login.body.session as string };
    expect((await client(rt.url, session).get('/api/v2/nodes/')).status).toBe(200);
    expect((await client(rt.url, session).get('/api/v1/users/me')).body.result.email).toBe(ADMIN.email);
    expect((await client(rt.url, session).get('/api/core/v2/cluster/id')).status).toBe(200);

    const list = await client(rt.url, session).get('/api/v2/sessions/');
    expect(list.status).toBe(200);
    expect(list.body.errors).toEqual([]);
    expect(list.body.sessions.some((s: { username: string }) => s.username === ADMIN.email)).toBe(true);
    expect(JSON.stringify(list.body)).not.toContain(login.body.session);
    expect(typeof list.body.sessions[0].start).toBe('string');

    const out = await client(rt.url, session).post('/api/v2/logout/');
    expect(out.body).toEqual({ logged_out: true });
    const after = await client(rt.url, session).get('/api/v2/nodes/');
    expect(after.status).toBe(401);
    expect(after.headers.get('content-type')).toMatch(/text\/plain/);
  });

  it('refuses a wrong password with 401', async () => {
    expect((await form(ADMIN.email, 'wrong-password')).status).toBe(401);
  });
});

describe('signing key rotation', () => {
  it('signs with a new kid within KEY_CACHE_SECONDS while tokens of the old key stay valid', async () => {
    const before = await accessToken(rt, 'admin', ADMIN.email);
    const kidOf = (t: string) => JSON.parse(Buffer.from(t.split('.')[0]!, 'base64url').toString()).kid as string;
    const rotated = await client(rt.url, bearer(before)).post('/api/v1/auth/rotate-secret');
    expect(rotated.status).toBe(200);
    expect(rotated.body.result.kid).not.toBe(kidOf(before));
    await new Promise((r) => setTimeout(r, 1500));
    const fresh = (await client(rt.url).post('/api/v1/auth/login', ADMIN)).body.result.token as string;
    expect(kidOf(fresh)).toBe(rotated.body.result.kid);
    expect((await client(rt.url, bearer(fresh)).get('/api/v1/users/me')).status).toBe(200);
    expect((await client(rt.url, bearer(before)).get('/api/v1/users/me')).status).toBe(200);
    expect((await client(rt.url, bearer(before)).post('/api/v1/auth/rotate-secret')).status).toBe(200);
  });
});

describe('OpenAPI', () => {
  it('serves a 3.1 document with every route of the table, its schemas and its security', async () => {
    const { routes } = await import('../../lib/http/routes');
    const doc = (await client(rt.url).get('/api/v1/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    for (const r of routes) {
      const op = doc.paths[r.path]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      expect(op.operationId).toBe(r.fn);
      if (r.body) expect(op.requestBody, r.fn).toBeDefined();
      expect(op.security.length > 0, r.fn).toBe(r.access !== 'public' || r.basicAuth === true);
    }
    expect(doc.paths['/api/v1/users'].post.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['email', 'password', 'role_id']),
    );
  });
});
