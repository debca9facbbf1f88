import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessToken, bearer } from '../support/auth';
import { client } from '../support/http';
import { startRuntime, type Runtime } from '../support/runtime';

let rt: Runtime;
let admin: ReturnType<typeof client>;
let readonly: ReturnType<typeof client>;
let operator: ReturnType<typeof client>;

const ns = (namespace: string, rest = '') => `/api/core/v2/namespaces/${namespace}/clients${rest}`;
const names = (body: { name: string }[]) => body.map((c) => c.name);

beforeAll(async () => {
  rt = await startRuntime();
  admin = client(rt.url, bearer(await accessToken(rt, 'admin')));
  readonly = client(rt.url, bearer(await accessToken(rt, 'readonly')));
  operator = client(rt.url, bearer(await accessToken(rt, 'operator')));
  expect((await admin.post(ns('team-a'), { name: 'web-01', address: '10.0.0.1', subscriptions: ['web'] })).status).toBe(201);
  expect((await admin.post(ns('team-b'), { name: 'db-01', password: 'hidden' })).status).toBe(201);
  expect((await admin.post('/clients', { name: 'classic-01' })).status).toBe(201);
});
afterAll(() => rt?.stop());

describe('namespaces', () => {
  it('serves the same registry per namespace, in the classic client shape', async () => {
    const res = await readonly.get(ns('team-a', '/web-01'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'web-01', subscriptions: ['web', 'client:web-01'], keepalive_status: 'ok' });
    expect((await readonly.get(ns('team-b', '/db-01'))).body.password).toBe('REDACTED');
  });

  it('keeps a client of one namespace invisible from another', async () => {
    const res = await readonly.get(ns('team-b', '/web-01'));
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: expect.any(String), code: 2 });
    expect(names((await readonly.get(ns('team-a'))).body)).toEqual(['web-01']);
    expect(names((await readonly.get(ns('team-b'))).body)).toEqual(['db-01']);
    expect(names((await readonly.get('/clients')).body)).toEqual(['classic-01']);
    expect((await admin.delete(ns('team-b', '/web-01'))).status).toBe(404);
    expect((await admin.post(ns('team-b', '/web-01/keepalive'))).status).toBe(404);
  });

  it('lists an unused namespace as []', async () => {
    const res = await readonly.get(ns('never-used'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
  });

  it('makes classic /clients the default namespace', async () => {
    expect((await readonly.get(ns('default', '/classic-01'))).body.name).toBe('classic-01');
    await admin.post(ns('default'), { name: 'go-made' });
    expect((await readonly.get('/clients/go-made')).status).toBe(200);
    expect((await admin.delete('/clients/go-made')).status).toBe(202);
  });

  it('pages a namespace with limit/offset and X-Pagination', async () => {
    const res = await readonly.get(ns('team-a', '?limit=1&offset=0'));
    expect(names(res.body)).toEqual(['web-01']);
    expect(JSON.parse(res.headers.get('x-pagination')!)).toEqual({ limit: 1, offset: 0, total: 1 });
  });

  it('invalidates per namespace: the same name elsewhere is unaffected', async () => {
    await admin.post(ns('team-c'), { name: 'twin' });
    await admin.post(ns('team-d'), { name: 'twin' });
    expect((await admin.delete(ns('team-c', '/twin?invalidate=true&invalidate_expire=3600'))).status).toBe(202);
    expect((await admin.post(ns('team-c'), { name: 'twin' })).status).toBe(409);
    expect((await admin.post(ns('team-d', '/twin/keepalive'))).status).toBe(200);
    expect((await admin.post(ns('team-d'), { name: 'twin' })).status).toBe(201);
  });

  it.each([
    ['a space', 'bad%20ns'],
    ['a slash-free but invalid character', 'team%24a'],
    ['256 characters', 'n'.repeat(256)],
  ])('refuses a namespace name with %s (400, Sensu Go format)', async (_, name) => {
    const res = await readonly.get(ns(name));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 1, message: expect.stringMatching(/namespace/) });
    expect((await admin.post(ns(name), { name: 'x' })).status).toBe(400);
  });

  it('reads for every user role, writes for admins only', async () => {
    expect((await operator.get(ns('team-a'))).status).toBe(200);
    expect((await readonly.post(ns('team-a'), { name: 'nope' })).status).toBe(403);
    expect((await operator.post(ns('team-a'), { name: 'nope' })).status).toBe(403);
    expect((await operator.delete(ns('team-a', '/web-01'))).status).toBe(403);
    expect((await client(rt.url).get(ns('team-a'))).status).toBe(401);
  });
});

describe('the clients of every namespace', () => {
  it('lists them by namespace and name, each naming its namespace, for admins', async () => {
    const res = await admin.get('/api/core/v2/clients');
    expect(res.status).toBe(200);
    const seen = res.body.map((c: { namespace: string; name: string }) => `${c.namespace}/${c.name}`);
    expect(seen).toEqual(expect.arrayContaining(['default/classic-01', 'team-a/web-01', 'team-b/db-01']));
    expect(seen).toEqual([...seen].sort());
    expect(res.body.find((c: { name: string }) => c.name === 'db-01').password).toBe('REDACTED');
    expect(seen).not.toContain('team-c/twin');
  });

  it('pages and filters like a namespace', async () => {
    const all = (await admin.get('/api/core/v2/clients')).body.length;
    const res = await admin.get('/api/core/v2/clients?limit=2&offset=1&keepalive_status=ok');
    expect(res.body).toHaveLength(2);
    expect(JSON.parse(res.headers.get('x-pagination')!)).toEqual({ limit: 2, offset: 1, total: all });
    expect((await admin.get('/api/core/v2/clients?keepalive_status=critical')).body).toEqual([]);
  });

  it('is for admins only', async () => {
    expect((await readonly.get('/api/core/v2/clients')).status).toBe(403);
    expect((await operator.get('/api/core/v2/clients')).status).toBe(403);
  });
});
