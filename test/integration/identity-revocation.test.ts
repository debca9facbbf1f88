import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../support/auth';
import { call, client } from '../support/http';
import { startRuntime, type Runtime } from '../support/runtime';

/**
 * Credentials on delete, demotion and re-creation: every kind a user can hold (Ella access
 * token and refresh cookie, Sensu Go token pair, CockroachDB session, API token) stops
 * working when the user is deleted, acts with the current role after a demotion, and is
 * not revived by an account created later under the same email.
 */

let rt: Runtime;
let admin: ReturnType<typeof client>;
const anon = () => client(rt.url);
const ROOT = { email: 'root@roster.test', password: 'root-password' };
const PASSWORD = 'victim-password';

const cookieOf = (res: { headers: Headers }) => res.headers.getSetCookie().find((c) => c.startsWith('roster_session='))!;
const cookieHeader = (setCookie: string) => ({ cookie: setCookie.split(';')[0]! });
const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });
const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'));

beforeAll(async () => {
  rt = await startRuntime();
  const init = await anon().post('/api/v1/init', ROOT);
  expect(init.status).toBe(201);
  admin = client(rt.url, bearer(init.body.result.token));
});
afterAll(() => rt?.stop());

/** Every credential kind, for a user who exists with `password`. */
async function credentialsOf(email: string) {
  const login = await anon().post('/api/v1/auth/login', { email, password: PASSWORD });
  expect(login.status).toBe(200);
  const ella = login.body.result.token as string;
  const sensu = (await anon().get('/auth', basic(email, PASSWORD))).body as { access_token: string; refresh_token: string };
  const crdb = (
    await call(rt.url, 'POST', '/api/v2/login/', {
      body: new URLSearchParams({ username: email, password: PASSWORD }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
  ).body.session as string;
  const made = await client(rt.url, bearer(ella)).post('/api/v1/users/me/api-tokens', { name: 'ci' });
  expect(made.status).toBe(201);
  return { ella, cookie: cookieOf(login), sensu, crdb, apiToken: made.body.result.token as string };
}

type Held = Awaited<ReturnType<typeof credentialsOf>>;

/** The caller each credential acts as, by GET /users/me: [status, role_id]. */
async function whoAmI(held: Held) {
  const as = async (headers: Record<string, string>) => {
    const res = await anon().get('/api/v1/users/me', headers);
    return [res.status, res.body?.result?.role_id];
  };
  const refreshed = await anon().post('/api/v1/auth/refresh', undefined, cookieHeader(held.cookie));
  const sensuRefresh = await anon().post('/auth/token', { refresh_token: held.sensu.refresh_token });
  return {
    ella: await as(bearer(held.ella)),
    sensu: await as(bearer(held.sensu.access_token)),
    crdb: await as({ 'x-cockroach-api-session': held.crdb }),
    apiToken: await as(bearer(held.apiToken)),
    refreshCookie: [refreshed.status, refreshed.body?.result?.token ? claimsOf(refreshed.body.result.token).role_id : undefined],
    sensuRefresh: [sensuRefresh.status, sensuRefresh.body?.access_token ? claimsOf(sensuRefresh.body.access_token).role_id : undefined],
  };
}

const everyCredential = (answer: unknown[]) => ({
  ella: answer,
  sensu: answer,
  crdb: answer,
  apiToken: answer,
  refreshCookie: answer,
  sensuRefresh: answer,
});

describe('deleting a user', () => {
  it('ends every credential of theirs before the delete answers, and a re-created email revives none', async () => {
    const email = 'deleted@roster.test';
    expect((await admin.post('/api/v1/users', { email, password: PASSWORD, role_id: 1 })).status).toBe(201);
    const held = await credentialsOf(email);
    // A deleted admin's token must not create an admin: try it after the delete.
    expect((await admin.delete(`/api/v1/users/${email}`)).status).toBe(200);
    expect(
      (await client(rt.url, bearer(held.ella)).post('/api/v1/users', { email: 'x@roster.test', password: PASSWORD, role_id: 1 })).status,
    ).toBe(401);
    expect(await whoAmI(held)).toEqual(everyCredential([401, undefined]));

    // Another person under the same email, with another role: none of the old credentials is theirs.
    expect((await admin.post('/api/v1/users', { email, password: 'another-password', role_id: 2 })).status).toBe(201);
    expect(await whoAmI(held)).toEqual(everyCredential([401, undefined]));
    expect((await admin.get(`/api/v1/users/${email}`)).body.result.role_id).toBe(2);
  });
});

describe('demoting a user', () => {
  it('makes each of their credentials act with the new role from its next request', async () => {
    const email = 'demoted@roster.test';
    expect((await admin.post('/api/v1/users', { email, password: PASSWORD, role_id: 1 })).status).toBe(201);
    const held = await credentialsOf(email);
    expect((await admin.put(`/api/v1/users/${email}`, { role_id: 2 })).status).toBe(200);
    expect(await whoAmI(held)).toEqual(everyCredential([200, 2]));
    expect(
      (await client(rt.url, bearer(held.ella)).post('/api/v1/users', { email: 'y@roster.test', password: PASSWORD, role_id: 1 })).status,
    ).toBe(403);
    expect(
      (
        await client(rt.url, { 'x-cockroach-api-session': held.crdb }).post('/api/v1/users', {
          email: 'z@roster.test',
          password: PASSWORD,
          role_id: 1,
        })
      ).status,
    ).toBe(403);
  });
});

describe('session kinds', () => {
  it('are accepted only where issued: the Ella cookie is no CockroachDB session, nor the reverse', async () => {
    const email = 'kinds@roster.test';
    expect((await admin.post('/api/v1/users', { email, password: PASSWORD, role_id: 1 })).status).toBe(201);
    const held = await credentialsOf(email);
    const cookieValue = held.cookie.split(';')[0]!.slice('roster_session='.length);
    expect((await anon().get('/api/v1/users', { 'x-cockroach-api-session': cookieValue })).status).toBe(401);
    expect((await anon().post('/api/v1/auth/refresh', undefined, { cookie: `roster_session=${held.crdb}` })).status).toBe(401);
    // Logging out of Ella with a CockroachDB session's value ends nothing.
    await anon().post('/api/v1/auth/logout', undefined, { cookie: `roster_session=${held.crdb}` });
    expect((await anon().get('/api/v2/nodes/', { 'x-cockroach-api-session': held.crdb })).status).toBe(200);
    // Each still works where it was issued.
    expect((await anon().post('/api/v1/auth/refresh', undefined, cookieHeader(held.cookie))).status).toBe(200);
  });
});

describe('the init token and the session cookie', () => {
  it('init sets the cookie as login does, over plain http without Secure, and its token is bound to that session', async () => {
    const other = await startRuntime();
    try {
      const init = await client(other.url).post('/api/v1/init', { email: 'first@roster.test', password: 'first-password' });
      expect(init.status).toBe(201);
      const token = init.body.result.token as string;
      expect(claimsOf(token)).toMatchObject({ sub: 'first@roster.test', email: 'first@roster.test', role_id: 1 });
      const cookie = cookieOf(init);
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).not.toMatch(/Secure/);
      const refreshed = await client(other.url).post('/api/v1/auth/refresh', undefined, cookieHeader(cookie));
      expect(refreshed.status).toBe(200);
      expect(claimsOf(refreshed.body.result.token).email).toBe('first@roster.test');
      // Ending the session ends the init token too: it is no stateless credential.
      expect((await client(other.url).post('/api/v1/auth/logout', undefined, cookieHeader(cookie))).status).toBe(204);
      expect((await client(other.url, bearer(token)).get('/api/v1/users/me')).status).toBe(401);
    } finally {
      await other.stop();
    }
  });

  it('is Secure when the request came over HTTPS (X-Forwarded-Proto)', async () => {
    const login = await anon().post('/api/v1/auth/login', ROOT, { 'x-forwarded-proto': 'https' });
    expect(cookieOf(login)).toMatch(/; Secure;/);
    expect(cookieOf(await anon().post('/api/v1/auth/login', ROOT))).not.toMatch(/Secure/);
  });
});
