import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessToken, bearer } from '../support/auth';
import { client } from '../support/http';
import { startRuntime, type Runtime } from '../support/runtime';

let rt: Runtime;
let anon: ReturnType<typeof client>;
const ADMIN = { email: 'first@roster.test', password: 'first-password' };

beforeAll(async () => {
  rt = await startRuntime();
  anon = client(rt.url);
});
afterAll(() => rt?.stop());

const cookieOf = (res: { headers: Headers }) => res.headers.getSetCookie().find((c) => c.startsWith('roster_session='))!;
const cookieHeader = (setCookie: string) => ({ cookie: setCookie.split(';')[0]! });

describe('init', () => {
  it('is answered while no user exists, sets initialized, and then is 403', async () => {
    expect((await anon.get('/api/v1/status')).body.result.initialized).toBe(false);
    expect(rt.logs().join('\n')).toMatch(/api\/v1\/init/);
    const first = await anon.post('/api/v1/init', ADMIN);
    expect(first.status).toBe(201);
    expect(first.body.result.message).toBeTruthy();
    const me = await client(rt.url, bearer(first.body.result.token)).get('/api/v1/users/me');
    expect(me.body.result).toEqual({ email: ADMIN.email, role_id: 1 });
    expect((await anon.get('/api/v1/status')).body.result.initialized).toBe(true);
    expect((await anon.post('/api/v1/init', { email: 'second@roster.test', password: 'second-password' })).status).toBe(403);
  });

  it('lets exactly one of concurrent inits win', async () => {
    const other = await startRuntime();
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => client(other.url).post('/api/v1/init', { email: `a${i}@roster.test`, password: 'password-1' })),
    );
    await other.stop();
    expect(results.map((r) => r.status).sort()).toEqual([201, 403, 403, 403, 403]);
  });
});

describe('login, refresh and logout', () => {
  it('logs in with a token and an HttpOnly SameSite=Strict cookie, refreshes from the cookie, and logs out', async () => {
    const res = await anon.post('/api/v1/auth/login', ADMIN);
    expect(res.status).toBe(200);
    const cookie = cookieOf(res);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const token = res.body.result.token as string;
    expect((await client(rt.url, bearer(token)).post('/api/v1/auth/lookup-token')).body.result).toEqual({ valid: true });

    const refreshed = await anon.post('/api/v1/auth/refresh', undefined, cookieHeader(cookie));
    expect(refreshed.status).toBe(200);
    expect(typeof refreshed.body.result.token).toBe('string');

    const out = await anon.post('/api/v1/auth/logout', undefined, cookieHeader(cookie));
    expect(out.status).toBe(204);
    expect(cookieOf(out)).toMatch(/Max-Age=0/);
    // The session is gone: the cookie refreshes nothing, and its tokens stop at the next request.
    expect((await anon.post('/api/v1/auth/refresh', undefined, cookieHeader(cookie))).status).toBe(401);
    expect((await client(rt.url, bearer(token)).get('/api/v1/users/me')).status).toBe(401);
    expect((await client(rt.url, bearer(refreshed.body.result.token)).get('/api/v1/users/me')).status).toBe(401);
  });

  it('answers an unknown user and a wrong password alike', async () => {
    const unknown = await anon.post('/api/v1/auth/login', { email: 'nobody@roster.test', password: 'whatever-1' });
    const wrong = await anon.post('/api/v1/auth/login', { email: ADMIN.email, password: 'wrong-password' });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
  });

  it('locks a user out with 429 and Retry-After after 5 failures in the window; a success never resets them', async () => {
    const admin = client(rt.url, bearer(await accessToken(rt, 'admin', ADMIN.email)));
    await admin.post('/api/v1/users', { email: 'locked@roster.test', password: 'right-password', role_id: 2 });
    await admin.post('/api/v1/users', { email: 'reset@roster.test', password: 'right-password', role_id: 2 });
    // Successes between failures neither count nor reset: the 5th failure of the window locks.
    for (let i = 0; i < 4; i++) {
      expect((await anon.post('/api/v1/auth/login', { email: 'reset@roster.test', password: 'wrong-password' })).status).toBe(401);
      expect((await anon.post('/api/v1/auth/login', { email: 'reset@roster.test', password: 'right-password' })).status).toBe(200);
    }
    expect((await anon.post('/api/v1/auth/login', { email: 'reset@roster.test', password: 'wrong-password' })).status).toBe(401);
    expect((await anon.post('/api/v1/auth/login', { email: 'reset@roster.test', password: 'right-password' })).status).toBe(429);

    for (let i = 0; i < 5; i++) {
      expect((await anon.post('/api/v1/auth/login', { email: 'locked@roster.test', password: 'wrong-password' })).status).toBe(401);
    }
    const locked = await anon.post('/api/v1/auth/login', { email: 'locked@roster.test', password: 'right-password' });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('users', () => {
  it('creates, pages, reads, updates and deletes users with role ids 1, 2 and 3', async () => {
    const admin = client(rt.url, bearer(await accessToken(rt, 'admin', ADMIN.email)));
    for (const [i, role_id] of [1, 2, 3].entries()) {
      expect((await admin.post('/api/v1/users', { email: `u${i}@roster.test`, password: 'password-1', role_id })).status).toBe(201);
    }
    expect((await admin.post('/api/v1/users', { email: 'u0@roster.test', password: 'password-1', role_id: 1 })).status).toBe(409);
    expect((await admin.post('/api/v1/users', { email: 'u9@roster.test', password: 'password-1', role_id: 4 })).status).toBe(400);
    expect((await admin.post('/api/v1/users', { email: 'u9@roster.test', password: 'short', role_id: 2 })).status).toBe(400);

    const page = (await admin.get('/api/v1/users?page=2&per_page=2')).body.result;
    expect(page).toMatchObject({ page: 2, per_page: 2 });
    expect(page.items).toHaveLength(2);
    expect(page.total_count).toBeGreaterThanOrEqual(4);

    expect((await admin.get('/api/v1/users/u1@roster.test')).body.result).toEqual({ email: 'u1@roster.test', role_id: 2 });
    expect((await admin.put('/api/v1/users/u1@roster.test', { role_id: 3 })).status).toBe(200);
    expect((await admin.get('/api/v1/users/u1@roster.test')).body.result.role_id).toBe(3);
    expect((await admin.put('/api/v1/users/u1@roster.test/password', { password: 'password-2' })).status).toBe(200);
    expect((await anon.post('/api/v1/auth/login', { email: 'u1@roster.test', password: 'password-2' })).status).toBe(200);
    expect((await admin.delete('/api/v1/users/u1@roster.test')).status).toBe(200);
    expect((await admin.get('/api/v1/users/u1@roster.test')).status).toBe(404);
    expect((await admin.delete('/api/v1/users/u1@roster.test')).status).toBe(404);
  });

  it('changes your own password only with the current one', async () => {
    const login = await anon.post('/api/v1/auth/login', { email: 'u2@roster.test', password: 'password-1' });
    const me = client(rt.url, bearer(login.body.result.token));
    expect((await me.put('/api/v1/users/me/password', { current_password: 'not-it-at-all', password: 'password-3' })).status).toBe(403);
    expect((await me.put('/api/v1/users/me/password', { current_password: 'password-1', password: 'password-3' })).status).toBe(200);
    expect((await anon.post('/api/v1/auth/login', { email: 'u2@roster.test', password: 'password-3' })).status).toBe(200);
  });
});

describe('API tokens', () => {
  it('are shown once, stored hashed, listed with RFC 3339 expiry, usable, and revocable at once', async () => {
    const admin = client(rt.url, bearer(await accessToken(rt, 'admin', ADMIN.email)));
    const expires = new Date(Math.floor(Date.now() / 1000) * 1000 + 3600_000).toISOString().replace('.000Z', 'Z');
    const made = await admin.post('/api/v1/users/me/api-tokens', { name: 'ci', expires_at: expires });
    expect(made.status).toBe(201);
    const { id, token } = made.body.result;
    expect(token).toMatch(new RegExp(`^roster_${id}_[A-Za-z0-9_-]{43}$`));
    const list = (await admin.get('/api/v1/users/me/api-tokens')).body.result;
    expect(list).toMatchObject({ page: 1, total_count: 1, items: [{ id, name: 'ci', expires_at: expires }] });
    expect(JSON.stringify(list)).not.toContain(token.split('_')[2]);

    const viaToken = client(rt.url, bearer(token));
    expect((await viaToken.get('/api/v1/users/me')).body.result.email).toBe(ADMIN.email);
    expect((await client(rt.url, bearer(`${token.slice(0, -2)}xx`)).get('/api/v1/users/me')).status).toBe(401);
    expect((await admin.delete(`/api/v1/users/me/api-tokens/${id}`)).status).toBe(200);
    expect((await viaToken.get('/api/v1/users/me')).status).toBe(401);
  });

  it('refuses an expiry in the past', async () => {
    const admin = client(rt.url, bearer(await accessToken(rt, 'admin', ADMIN.email)));
    expect((await admin.post('/api/v1/users/me/api-tokens', { name: 'old', expires_at: '2020-01-01T00:00:00Z' })).status).toBe(400);
  });
});
