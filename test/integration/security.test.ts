import { createHash, createHmac } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../lib/http/routes';
import { accessToken, bearer } from '../support/auth';
import { clusterClients } from '../support/cluster';
import { examples } from '../support/examples';
import { client } from '../support/http';
import { startRuntime, type Runtime } from '../support/runtime';

let rt: Runtime;
let c: Awaited<ReturnType<typeof clusterClients>>;
/** A live admin session the hand-made tokens below name: every access token needs one. */
let sid: string;
/** Every secret the run hands out; none may appear in the logs. */
const issued: string[] = [];

beforeAll(async () => {
  rt = await startRuntime();
  c = await clusterClients(rt);
  issued.push(rt.env.TOKEN_SECRET!);
  sid = JSON.parse(Buffer.from((await accessToken(rt, 'admin')).split('.')[1]!, 'base64url').toString('utf8')).sid;
});
afterAll(() => rt?.stop());

const secret = () => new TextEncoder().encode(rt.env.TOKEN_SECRET);
const kid = () => createHash('sha256').update(secret()).digest('hex').slice(0, 16);
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);
const claims = (exp = now() + 600) => ({ sub: 'admin@roster.test', role_id: 1, sid, iss: 'roster', aud: 'roster', iat: now() - 10, exp });
const members = (token: string) => client(rt.url, bearer(token)).get('/api/v1/cluster/members');

describe('token negatives', () => {
  it('accepts a well-formed access token (the baseline the negatives differ from)', async () => {
    expect((await members(await accessToken(rt, 'admin'))).status).toBe(200);
  });

  it('refuses alg none', async () => {
    const none = new UnsecuredJWT(claims()).encode();
    expect((await members(none)).status).toBe(401);
  });

  it('refuses HS512 signed with the right key: HS256 only', async () => {
    const hs512 = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS512', typ: 'at+jwt', kid: kid() }).sign(secret());
    expect((await members(hs512)).status).toBe(401);
  });

  it('refuses an RS256 header over an HMAC signature (key confusion)', async () => {
    const head = b64({ alg: 'RS256', typ: 'at+jwt', kid: kid() });
    const body = b64(claims());
    const sig = createHmac('sha256', Buffer.from(secret())).update(`${head}.${body}`).digest('base64url');
    expect((await members(`${head}.${body}.${sig}`)).status).toBe(401);
  });

  it('refuses a token of another kind: a join token is never an access token', async () => {
    const join = await c.mint(777);
    issued.push(join);
    expect((await members(join)).status).toBe(401);
  });

  it('refuses a token expired beyond the clock skew, and accepts one within it', async () => {
    const sign = (exp: number) => new SignJWT(claims(exp)).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: kid() }).sign(secret());
    expect((await members(await sign(now() - 60))).status).toBe(401);
    expect((await members(await sign(now() - 2))).status).toBe(200);
  });

  it('refuses a well-signed token that names no session: none is stateless', async () => {
    const sign = (c: Record<string, unknown>) =>
      new SignJWT(c).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: kid() }).sign(secret());
    expect((await members(await sign(claims()))).status).toBe(200);
    const { sid: _named, ...unbound } = claims();
    expect((await members(await sign(unbound))).status).toBe(401);
    expect((await members(await sign({ ...claims(), sid: 'f'.repeat(64) }))).status).toBe(401);
  });

  it('refuses a tampered token', async () => {
    const [head, , sig] = (await accessToken(rt, 'readonly')).split('.');
    const forged = `${head}.${b64({ ...claims(), role_id: 1 })}.${sig}`;
    expect((await members(forged)).status).toBe(401);
  });

  it('refuses a token signed by another key', async () => {
    const other = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: kid() })
      .sign(new TextEncoder().encode('x'.repeat(48)));
    expect((await members(other)).status).toBe(401);
  });
});

describe('a short signing key', () => {
  it('refuses to start', async () => {
    await expect(startRuntime({ TOKEN_SECRET: 'too-short' })).rejects.toThrow(/at least 32 bytes/);
  });
});

describe('broken object-level authorization (node A acting on node B)', () => {
  it('refuses a heartbeat for another node, and B’s lease to A', async () => {
    const a = await c.join(201);
    const b = await c.join(202);
    issued.push(a.answer.nodeToken, b.answer.nodeToken);
    expect((await c.beat(a.node, 202)).status).toBe(403);
    const held = await b.node.put('/api/v1/leases/b-only', { ttlSeconds: 60 });
    const token = held.body.result.fencingToken;
    expect((await a.node.put('/api/v1/leases/b-only', { ttlSeconds: 60, fencingToken: token })).status).toBe(409);
    expect((await a.node.delete(`/api/v1/leases/b-only?fencingToken=${token}`)).status).toBe(409);
    expect((await c.readonly.get('/api/v1/leases/b-only')).body.result.holder).toBe(202);
  });
});

describe('broken function-level authorization', () => {
  const call = (role: 'readonly' | 'operator', fn: string) => {
    const route = routes.find((r) => r.fn === fn)!;
    const ex = examples[fn]!;
    return (async () => client(rt.url, bearer(await accessToken(rt, role))).call(route.method, ex.path, { body: ex.body }))();
  };

  it('refuses read-only and operator callers on every admin-only route', async () => {
    const adminOnly = routes.filter((r) => r.access !== 'public' && r.access.length === 1 && r.access[0] === 'admin');
    expect(adminOnly.length).toBeGreaterThan(3);
    for (const r of adminOnly) {
      expect((await call('readonly', r.fn)).status, `${r.fn} as read-only`).toBe(403);
      expect((await call('operator', r.fn)).status, `${r.fn} as operator`).toBe(403);
    }
  });

  it('refuses read-only callers on every write an operator may do', async () => {
    const operatorRoutes = routes.filter((r) => r.access !== 'public' && r.access.includes('operator') && !r.access.includes('readonly'));
    expect(operatorRoutes.map((r) => r.fn)).toEqual(expect.arrayContaining(['member-drain', 'member-resume', 'member-promote']));
    for (const r of operatorRoutes) expect((await call('readonly', r.fn)).status, r.fn).toBe(403);
  });
});

describe('replayed credentials', () => {
  it('refuses a join token the second time, without the winning Idempotency-Key', async () => {
    const token = await c.mint(301);
    issued.push(token);
    const first = await c.anonymous.post('/api/v1/cluster/join', c.joinBody(token, 301));
    expect(first.status).toBe(201);
    issued.push(first.body.result.nodeToken);
    expect((await c.anonymous.post('/api/v1/cluster/join', c.joinBody(token, 301))).status).toBe(401);
  });
});

describe('login lockout under concurrency', () => {
  const basic = (email: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}` });
  const crdbLogin = (username: string, password: string) =>
    fetch(`${rt.url}/api/v2/login/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username, password }),
    });

  it('evaluates at most 5 of 30 parallel wrong guesses, then refuses the right password on every login surface', async () => {
    const email = 'burst@roster.test';
    const password = 'the-right-password';
    expect((await c.admin.post('/api/v1/users', { email, password, role_id: 1 })).status).toBe(201);
    const guesses = await Promise.all(
      Array.from({ length: 30 }, (_, i) => c.anonymous.post('/api/v1/auth/login', { email, password: `wrong-guess-${i}` })),
    );
    const statuses = guesses.map((g) => g.status);
    expect(statuses.filter((s) => s === 401).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s !== 401).every((s) => s === 429)).toBe(true);

    // A burst after the lockout, the right password inside it: nothing is evaluated.
    const burst = await Promise.all([
      ...Array.from({ length: 5 }, (_, i) => c.anonymous.post('/api/v1/auth/login', { email, password: `wrong-again-${i}` })),
      c.anonymous.post('/api/v1/auth/login', { email, password }),
      c.anonymous.get('/auth', basic(email, password)),
      c.anonymous.get('/clients', basic(email, password)),
      crdbLogin(email, password),
    ]);
    expect(burst.map((r) => r.status)).toEqual(Array.from({ length: 9 }, () => 429));
  });

  it('lets every one of concurrent correct Basic logins through, even with 4 failures held', async () => {
    const email = 'busy@roster.test';
    const password = 'the-right-password';
    expect((await c.admin.post('/api/v1/users', { email, password, role_id: 1 })).status).toBe(201);
    for (let i = 0; i < 4; i++) expect((await c.anonymous.get('/clients', basic(email, `wrong-${i}`))).status).toBe(401);
    // One slot left: the correct logins take it in turn, and none uses it up.
    const lists = await Promise.all(Array.from({ length: 12 }, () => c.anonymous.get('/clients', basic(email, password))));
    expect(lists.map((r) => r.status)).toEqual(Array.from({ length: 12 }, () => 200));
    expect((await c.anonymous.get('/auth', basic(email, password))).status).toBe(200);
  });
});

describe('cross-site writes', () => {
  const email = 'csrf@roster.test';
  const password = 'a-cached-basic-password';
  const basic = { authorization: `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}` };
  const definition = (name: string) => JSON.stringify({ name, address: '10.0.3.1', subscriptions: ['default'] });
  const raw = (method: string, path: string, body: RequestInit['body'], headers: Record<string, string>) =>
    fetch(`${rt.url}${path}`, { method, body, headers });

  beforeAll(async () => {
    expect((await c.admin.post('/api/v1/users', { email, password, role_id: 1 })).status).toBe(201);
  });

  it('refuses a body a browser sends without a preflight (text/plain, form, multipart, no type): 415, nothing written', async () => {
    const multipart = new FormData();
    multipart.append('name', 'csrf-multipart');
    const attempts = [
      raw('POST', '/clients', definition('csrf-text'), { ...basic, 'content-type': 'text/plain' }),
      raw('POST', '/clients', definition('csrf-form'), { ...basic, 'content-type': 'application/x-www-form-urlencoded' }),
      raw('POST', '/clients', multipart, basic),
      // A Blob without a type goes out with no Content-Type at all.
      raw('POST', '/clients', new Blob([definition('csrf-untyped')]), basic),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(415);
      expect(await res.json()).toEqual({ error: 'Content-Type must be application/json' });
    }
    for (const name of ['csrf-text', 'csrf-form', 'csrf-multipart', 'csrf-untyped']) {
      expect((await c.anonymous.get(`/clients/${name}`, basic)).status).toBe(404);
    }
  });

  it('answers 415 in each surface’s own error format', async () => {
    const ella = await raw('POST', '/api/v1/auth/login', JSON.stringify({ email, password }), { 'content-type': 'text/plain' });
    expect([ella.status, await ella.json()]).toEqual([415, { error: 'Content-Type must be application/json' }]);
    const sensu = await raw('POST', '/api/core/v2/namespaces/default/clients', definition('csrf-go'), {
      ...bearer(await accessToken(rt, 'admin')),
      'content-type': 'text/plain;charset=UTF-8',
    });
    expect([sensu.status, await sensu.json()]).toEqual([415, { message: 'Content-Type must be application/json', code: 1 }]);
    const crdb = await raw('POST', '/api/v2/login/', JSON.stringify({ username: email, password }), { 'content-type': 'application/json' });
    expect([crdb.status, await crdb.text()]).toEqual([415, 'Content-Type must be application/x-www-form-urlencoded\n']);
  });

  it('takes JSON with parameters and +json types, a body-less POST with no type, and the CockroachDB form', async () => {
    for (const [i, type] of ['application/json; charset=utf-8', 'application/vnd.sensu+json', 'APPLICATION/JSON'].entries()) {
      const res = await raw('POST', '/clients', definition(`typed-${i}`), { ...basic, 'content-type': type });
      expect(res.status, type).toBe(201);
    }
    const add = await raw(
      'POST',
      '/api/core/v2/cluster/members?peer-addrs=https://10.9.3.1:7000',
      undefined,
      bearer(await accessToken(rt, 'admin')),
    );
    expect(add.status).toBe(200);
    const form = await raw('POST', '/api/v2/login/', new URLSearchParams({ username: email, password }), {});
    expect(form.status).toBe(200);
  });
});

describe('the logs', () => {
  it('never carry a secret that was issued', async () => {
    issued.push(await accessToken(rt, 'admin'));
    // Every kind identity hands out: a password, a login's token and session cookie, an API
    // token, Sensu's access and refresh tokens, a CockroachDB session.
    const email = 'secrets@roster.test';
    const password = 'a-password-only-the-user-knows';
    issued.push(password);
    expect((await c.admin.post('/api/v1/users', { email, password, role_id: 1 })).status).toBe(201);
    const login = await c.anonymous.post('/api/v1/auth/login', { email, password });
    expect(login.status).toBe(200);
    issued.push(login.body.result.token, ...(login.headers.getSetCookie?.() ?? []).map((cookie) => cookie.split(';')[0]!.split('=')[1]!));
    const user = client(rt.url, bearer(login.body.result.token));
    const apiToken = await user.post('/api/v1/users/me/api-tokens', { name: 'ci' });
    expect(apiToken.status).toBe(201);
    issued.push(JSON.stringify(apiToken.body.result).match(/roster_[0-9a-f]+_[\w-]+/)![0]);
    const basic = { authorization: `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}` };
    const sensu = await c.anonymous.get('/auth', basic);
    expect(sensu.status).toBe(200);
    issued.push(sensu.body.access_token, sensu.body.refresh_token);
    const crdb = await fetch(`${rt.url}/api/v2/login/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: email, password }),
    });
    expect(crdb.status).toBe(200);
    issued.push(((await crdb.json()) as { session: string }).session);
    // A wrong password is logged as a failure, never as the password.
    issued.push('the-wrong-password-123');
    expect((await c.anonymous.post('/api/v1/auth/login', { email, password: 'the-wrong-password-123' })).status).toBe(401);
    await new Promise((r) => setTimeout(r, 100));
    const logs = rt.logs().join('\n');
    expect(logs.length).toBeGreaterThan(1000);
    for (const s of issued) {
      expect(logs.includes(s), `a secret starting ${s.slice(0, 12)}… was logged`).toBe(false);
      // Nor the secret half of a node credential on its own.
      const tail = s.split('_').pop()!;
      if (tail.length >= 32) expect(logs.includes(tail)).toBe(false);
    }
  });
});
