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

describe('lookup-token', () => {
  it('answers 200 {valid: false} for an invalid credential, 400 without an Authorization header', async () => {
    const lookup = (headers: Record<string, string>) => anon.post('/api/v1/auth/lookup-token', undefined, headers);
    const valid = await lookup(bearer(await accessToken(rt, 'readonly', ADMIN.email)));
    expect([valid.status, valid.body]).toEqual([200, { result: { valid: true } }]);
    for (const authorization of [
      'Bearer not-a-token',
      'Bearer a.b.c',
      `Bearer roster_0123456789abcdef_${'x'.repeat(43)}`,
      'Basic Zm9vOmJhcg==',
    ]) {
      const res = await lookup({ authorization });
      expect([res.status, res.body], authorization).toEqual([200, { result: { valid: false } }]);
    }
    const missing = await lookup({});
    expect([missing.status, missing.body]).toEqual([400, { error: 'Authorization header is required' }]);
    // Roster's other credential header is looked up as well.
    expect((await lookup({ 'x-cockroach-api-session': 'no-such-session' })).body).toEqual({ result: { valid: false } });
  });
});

describe('users', () => {
  it('pages users by email: pages read one by one make up the list, each with the same total, one past the end empty', async () => {
    const admin = client(rt.url, bearer(await accessToken(rt, 'admin', ADMIN.email)));
    for (const i of [3, 1, 4, 0, 2]) {
      expect((await admin.post('/api/v1/users', { email: `paged${i}@roster.test`, password: 'password-1', role_id: 2 })).status).toBe(201);
    }
    const all = (await admin.get('/api/v1/users?page=1&per_page=1000')).body.result;
    expect(all.total_count).toBe(all.items.length);
    const emails = all.items.map((u: { email: string }) => u.email);
    expect(emails).toEqual([...emails].sort());
    const pages = [];
    for (let page = 1; page <= Math.ceil(all.total_count / 2); page++) {
      const got = (await admin.get(`/api/v1/users?page=${page}&per_page=2`)).body.result;
      expect(got).toMatchObject({ page, per_page: 2, total_count: all.total_count });
      pages.push(...got.items);
    }
    expect(pages).toEqual(all.items);
    const past = (await admin.get(`/api/v1/users?page=${all.total_count + 1}&per_page=2`)).body.result;
    expect(past).toEqual({ items: [], page: all.total_count + 1, per_page: 2, total_count: all.total_count });
  });

  it('creates, pages, reads, updates and deletes users with role ids 1, 2 and 3', async () => {
    const admin = client(rt.url, bearer(await accessToken(rt, 'admin', ADMIN.email)));
    for (const [i, role_id] of [1, 2, 3].entries()) {
      expect((await admin.post('/api/v1/users', { email: `u${i}@roster.test`, password: 'password-1', role_id })).status).toBe(201);
    }
    // A duplicate is 400, as Ella answers it.
    const duplicate = await admin.post('/api/v1/users', { email: 'u0@roster.test', password: 'password-1', role_id: 1 });
    expect([duplicate.status, duplicate.body]).toEqual([400, { error: 'User already exists' }]);
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

  it("refuses an admin's change or deletion of their own account with 403, as Ella", async () => {
    const self = client(rt.url, bearer(await accessToken(rt, 'admin', ADMIN.email)));
    for (const role_id of [1, 2]) expect((await self.put(`/api/v1/users/${ADMIN.email}`, { role_id })).status).toBe(403);
    expect((await self.delete(`/api/v1/users/${ADMIN.email.toUpperCase()}`)).status).toBe(403);
    expect((await self.get('/api/v1/users/me')).body.result).toEqual({ email: ADMIN.email, role_id: 1 });
  });

  it("answers a deleted user's token on /users/me with 401", async () => {
    const admin = client(rt.url, bearer(await accessToken(rt, 'admin', ADMIN.email)));
    expect((await admin.post('/api/v1/users', { email: 'gone@roster.test', password: 'password-1', role_id: 2 })).status).toBe(201);
    const token = (await anon.post('/api/v1/auth/login', { email: 'gone@roster.test', password: 'password-1' })).body.result
      .token as string;
    const apiToken = (await client(rt.url, bearer(token)).post('/api/v1/users/me/api-tokens', { name: 'own' })).body.result.token as string;
    expect((await admin.delete('/api/v1/users/gone@roster.test')).status).toBe(200);
    // A stateless token of the same user, as one minted before the delete would be.
    const stateless = await accessToken(rt, 'readonly', 'gone@roster.test');
    for (const t of [token, apiToken, stateless]) expect((await client(rt.url, bearer(t)).get('/api/v1/users/me')).status).toBe(401);
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
    // The secret is base64url, which may itself hold `_`: it is everything after the id.
    expect(JSON.stringify(list)).not.toContain(token.slice(`roster_${id}_`.length));

    const viaToken = client(rt.url, bearer(token));
    expect((await viaToken.get('/api/v1/users/me')).body.result.email).toBe(ADMIN.email);
    expect((await client(rt.url, bearer(`${token.slice(0, -2)}xx`)).get('/api/v1/users/me')).status).toBe(401);
    expect((await admin.delete(`/api/v1/users/me/api-tokens/${id}`)).status).toBe(200);
    expect((await viaToken.get('/api/v1/users/me')).status).toBe(401);
  });

  it('lets every user list, create and delete their own, acting with the role they have', async () => {
    const admin = client(rt.url, bearer(await accessToken(rt, 'admin', ADMIN.email)));
    expect((await admin.post('/api/v1/users', { email: 'reader@roster.test', password: 'password-1', role_id: 2 })).status).toBe(201);
    const login = await anon.post('/api/v1/auth/login', { email: 'reader@roster.test', password: 'password-1' });
    const reader = client(rt.url, bearer(login.body.result.token));
    // Ella's "No expiry" sends an empty string: a token that never expires.
    const made = await reader.post('/api/v1/users/me/api-tokens', { name: 'reader-ci', expires_at: '' });
    expect(made.status).toBe(201);
    const { id, token } = made.body.result;
    expect((await reader.get('/api/v1/users/me/api-tokens')).body.result.items).toEqual([{ id, name: 'reader-ci', expires_at: '' }]);
    const viaToken = client(rt.url, bearer(token));
    expect((await viaToken.get('/api/v1/users/me')).body.result).toEqual({ email: 'reader@roster.test', role_id: 2 });
    // The token acts as a read-only user: no admin route opens to it.
    expect((await viaToken.post('/api/v1/users', { email: 'escalated@roster.test', password: 'password-1', role_id: 1 })).status).toBe(403);
    expect((await reader.delete(`/api/v1/users/me/api-tokens/${id}`)).status).toBe(200);
    expect((await viaToken.get('/api/v1/users/me')).status).toBe(401);
  });

  it("answers an unknown id of Ella's form, or another user's, with 404", async () => {
    const admin = client(rt.url, bearer(await accessToken(rt, 'admin', ADMIN.email)));
    expect((await admin.delete('/api/v1/users/me/api-tokens/AbCdEf123456')).status).toBe(404);
    expect((await admin.delete('/api/v1/users/me/api-tokens/0123456789abcdef')).status).toBe(404);
    const other = (await admin.post('/api/v1/users/reader@roster.test/api-tokens', { name: 'theirs' })).body.result.id as string;
    expect((await admin.delete(`/api/v1/users/me/api-tokens/${other}`)).status).toBe(404);
    expect((await admin.delete('/api/v1/users/me/api-tokens/not-an-id!')).status).toBe(400);
  });

  it("lets an admin list, create and delete another user's, in the shapes of /users/me", async () => {
    const admin = client(rt.url, bearer(await accessToken(rt, 'admin', ADMIN.email)));
    expect((await admin.post('/api/v1/users', { email: 'managed@roster.test', password: 'password-1', role_id: 3 })).status).toBe(201);
    const expires = new Date(Math.floor(Date.now() / 1000) * 1000 + 7200_000).toISOString().replace('.000Z', 'Z');
    const made = await admin.post('/api/v1/users/managed@roster.test/api-tokens', { name: 'deploy', expires_at: expires });
    expect(made.status).toBe(201);
    const { id, token } = made.body.result;
    expect(made.body.result).toEqual({ id, name: 'deploy', expires_at: expires, token });
    // The token is the user's, with the user's role; the admin's own list does not show it.
    expect((await client(rt.url, bearer(token)).get('/api/v1/users/me')).body.result).toEqual({ email: 'managed@roster.test', role_id: 3 });
    const list = (await admin.get('/api/v1/users/managed@roster.test/api-tokens?page=1&per_page=10')).body.result;
    expect(list).toEqual({ items: [{ id, name: 'deploy', expires_at: expires }], page: 1, per_page: 10, total_count: 1 });
    expect((await admin.get('/api/v1/users/me/api-tokens')).body.result.items.map((t: { id: string }) => t.id)).not.toContain(id);

    expect((await admin.get('/api/v1/users/nobody@roster.test/api-tokens')).status).toBe(404);
    expect((await admin.post('/api/v1/users/nobody@roster.test/api-tokens', { name: 'x' })).status).toBe(404);
    expect((await admin.delete(`/api/v1/users/reader@roster.test/api-tokens/${id}`)).status).toBe(404);
    expect((await admin.delete(`/api/v1/users/managed@roster.test/api-tokens/${id}`)).status).toBe(200);
    expect((await client(rt.url, bearer(token)).get('/api/v1/users/me')).status).toBe(401);
    expect((await admin.delete(`/api/v1/users/managed@roster.test/api-tokens/${id}`)).status).toBe(404);

    const operator = client(rt.url, bearer(await accessToken(rt, 'operator', 'managed@roster.test')));
    expect((await operator.get('/api/v1/users/reader@roster.test/api-tokens')).status).toBe(403);
  });

  it('refuses an expiry in the past', async () => {
    const admin = client(rt.url, bearer(await accessToken(rt, 'admin', ADMIN.email)));
    expect((await admin.post('/api/v1/users/me/api-tokens', { name: 'old', expires_at: '2020-01-01T00:00:00Z' })).status).toBe(400);
  });
});
