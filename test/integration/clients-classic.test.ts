import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { keys } from '../../lib/store/keys';
import { accessToken, bearer } from '../support/auth';
import { call, client } from '../support/http';
import { startRuntime, type Runtime } from '../support/runtime';

let rt: Runtime;
let admin: ReturnType<typeof client>;
let readonly: ReturnType<typeof client>;
let sensu: ReturnType<typeof client>;
let store: DynamoDBClient;

/** `curl -u`: the examples run with Basic credentials, as a Sensu 1.x client sends them. */
const ADMIN = { email: 'sensu@roster.test', password: 'sensu-password' };
const basic = `Basic ${Buffer.from(`${ADMIN.email}:${ADMIN.password}`).toString('base64')}`;

beforeAll(async () => {
  rt = await startRuntime({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
  sensu = client(rt.url, { authorization: basic });
  admin = client(rt.url, bearer(await accessToken(rt, 'admin')));
  readonly = client(rt.url, bearer(await accessToken(rt, 'readonly')));
  store = new DynamoDBClient({
    endpoint: inject('dynamodbEndpoint'),
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
});
afterAll(async () => {
  store?.destroy();
  await rt?.stop();
});

const now = () => Math.floor(Date.now() / 1000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
  'access-control-allow-credentials': 'true',
  'access-control-allow-headers': 'Origin, X-Requested-With, Content-Type, Accept, Authorization',
};
const corsOf = (headers: Headers) => Object.fromEntries(Object.keys(CORS).map((h) => [h, headers.get(h)]));

describe('the Sensu clients API examples', () => {
  it('POST /clients creates a client: 201 {name} with JSON and the CORS headers', async () => {
    const res = await sensu.post('/clients', {
      name: 'api-example',
      address: '10.0.2.100',
      subscriptions: ['default'],
      environment: 'production',
    });
    expect(res.status).toBe(201);
    expect(res.text).toBe('{"name":"api-example"}');
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(corsOf(res.headers)).toEqual(CORS);
  });

  it('GET /clients/:client returns it as given, with client:<name>, a timestamp, a version and its keepalive status', async () => {
    const res = await sensu.get('/clients/api-example');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: 'api-example',
      address: '10.0.2.100',
      subscriptions: ['default', 'client:api-example'],
      environment: 'production',
      keepalives: false,
      keepalive_status: 'ok',
    });
    expect(typeof res.body.version).toBe('string');
    expect(Math.abs(res.body.timestamp - now())).toBeLessThan(60);
  });

  it('GET /clients lists the registry', async () => {
    const res = await sensu.get('/clients');
    expect(res.status).toBe(200);
    expect(res.body.map((c: { name: string }) => c.name)).toContain('api-example');
    expect(res.headers.get('x-pagination')).toBeNull();
  });

  it('GET /clients/non-existent-client is a 404 with an empty body and the CORS headers', async () => {
    const res = await sensu.get('/clients/non-existent-client');
    expect(res.status).toBe(404);
    expect(res.text).toBe('');
    expect(corsOf(res.headers)).toEqual(CORS);
  });

  it('DELETE /clients/:client answers 202 {issued}; the client is gone; an unknown one is a 404', async () => {
    const res = await sensu.delete('/clients/api-example');
    expect(res.status).toBe(202);
    expect(Object.keys(res.body)).toEqual(['issued']);
    expect(Math.abs(res.body.issued - now())).toBeLessThan(60);
    expect((await sensu.get('/clients/api-example')).status).toBe(404);
    const missing = await sensu.delete('/clients/non-existent-client');
    expect(missing.status).toBe(404);
    expect(missing.text).toBe('');
  });
});

describe('bad input', () => {
  it.each([
    ['no name', { address: 'a' }],
    ['a name with a space', { name: 'bad name' }],
    ['subscriptions not an array', { name: 'c', subscriptions: 'default' }],
    ['a non-integer threshold', { name: 'c', keepalive: { thresholds: { warning: 'soon' } } }],
    ['an array', ['c']],
    ['deep nesting', { name: 'c', nested: JSON.parse('['.repeat(200) + ']'.repeat(200)) }],
  ])('refuses %s with 400 {error}', async (_, body) => {
    const res = await admin.post('/clients', body);
    expect(res.status).toBe(400);
    expect(typeof res.body.error).toBe('string');
    expect(corsOf(res.headers)).toEqual(CORS);
  });

  it('refuses malformed JSON with 400', async () => {
    const res = await admin.post('/clients', '{"name":');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/JSON/);
  });

  it('answers a path name Sensu would not route with a 404, however long', async () => {
    expect((await readonly.get('/clients/bad%20name')).status).toBe(404);
    expect((await readonly.get(`/clients/${'x'.repeat(3000)}`)).status).toBe(404);
    expect((await admin.delete(`/clients/${'x'.repeat(3000)}`)).status).toBe(404);
  });

  it('needs a credential (401) and an admin to write (403)', async () => {
    expect((await call(rt.url, 'GET', '/clients')).status).toBe(401);
    const res = await readonly.post('/clients', { name: 'c' });
    expect(res.status).toBe(403);
    expect(corsOf(res.headers)).toEqual(CORS);
  });
});

describe('free-form bodies and redaction', () => {
  it('keeps unknown attributes as given, numbers and nesting included', async () => {
    const extra = { big: 1e308, tiny: 5e-324, tags: { rack: 'r1', list: [1, 'two', null, { three: true }] }, empty: '' };
    expect((await admin.post('/clients', { name: 'free', ...extra })).status).toBe(201);
    expect((await readonly.get('/clients/free')).body).toMatchObject(extra);
  });

  it('redacts the default keys recursively on every read, and stores them intact', async () => {
    const body = { name: 'secretive', password: 'p1', nested: { api_key: 'k', list: [{ secret: 's', keep: 'v' }] } };
    await admin.post('/clients', body);
    const redacted = { password: 'REDACTED', nested: { api_key: 'REDACTED', list: [{ secret: 'REDACTED', keep: 'v' }] } };
    expect((await readonly.get('/clients/secretive')).body).toMatchObject(redacted);
    const listed = (await readonly.get('/clients')).body.find((c: { name: string }) => c.name === 'secretive');
    expect(listed).toMatchObject(redacted);
    const { Item } = await store.send(
      new GetItemCommand({ TableName: rt.env.TABLE_NAME, Key: marshall(keys.client('default', 'secretive')) }),
    );
    expect(JSON.parse(unmarshall(Item!).clientJson)).toMatchObject({ password: 'p1', nested: { api_key: 'k' } });
  });

  it("replaces the defaults with the client's own redact list", async () => {
    await admin.post('/clients', { name: 'own-redact', redact: ['community'], community: 'public', password: 'shown' });
    expect((await readonly.get('/clients/own-redact')).body).toMatchObject({ community: 'REDACTED', password: 'shown' });
  });
});

describe('pagination', () => {
  beforeAll(async () => {
    for (const name of ['page-a', 'page-b', 'page-c']) await admin.post('/clients', { name });
  });

  it('answers limit/offset with X-Pagination {limit, offset, total}', async () => {
    const all = (await readonly.get('/clients')).body.map((c: { name: string }) => c.name);
    const res = await readonly.get('/clients?limit=2&offset=1');
    expect(res.body.map((c: { name: string }) => c.name)).toEqual(all.slice(1, 3));
    expect(JSON.parse(res.headers.get('x-pagination')!)).toEqual({ limit: 2, offset: 1, total: all.length });
    const past = await readonly.get('/clients?limit=2&offset=1000');
    expect(past.body).toEqual([]);
    expect(JSON.parse(past.headers.get('x-pagination')!)).toEqual({ limit: 2, offset: 1000, total: all.length });
  });

  it('refuses a bad limit with 400', async () => {
    expect((await readonly.get('/clients?limit=-1')).status).toBe(400);
    expect((await readonly.get('/clients?limit=abc')).status).toBe(400);
  });
});

describe('invalidation', () => {
  it('refuses keepalives and re-registration for invalidate_expire seconds after the removal', async () => {
    await admin.post('/clients', { name: 'gone-long' });
    expect((await admin.delete('/clients/gone-long?invalidate=true&invalidate_expire=3600')).status).toBe(202);
    expect((await readonly.get('/clients/gone-long')).status).toBe(404);
    const again = await admin.post('/clients', { name: 'gone-long' });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatch(/invalidated/);
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(3000);
    expect((await admin.post('/clients/gone-long/keepalive')).status).toBe(409);
    expect((await readonly.get('/clients')).body.map((c: { name: string }) => c.name)).not.toContain('gone-long');
    expect((await admin.delete('/clients/gone-long')).status).toBe(404);
  });

  it('accepts the client again once invalidate_expire has passed', async () => {
    await admin.post('/clients', { name: 'gone-briefly' });
    await admin.delete('/clients/gone-briefly?invalidate=true&invalidate_expire=1');
    await sleep(2_500);
    expect((await admin.post('/clients', { name: 'gone-briefly' })).status).toBe(201);
  });

  it('ignores a tombstone whose time has passed though the TTL has not deleted it yet', async () => {
    const item = {
      ...keys.client('default', 'lapsed'),
      namespace: 'default',
      name: 'lapsed',
      invalidatedUntil: now() - 5,
      expiresAt: now() - 5,
    };
    await store.send(new PutItemCommand({ TableName: rt.env.TABLE_NAME, Item: marshall(item) }));
    expect((await readonly.get('/clients/lapsed')).status).toBe(404);
    expect((await admin.post('/clients/lapsed/keepalive')).status).toBe(404);
    expect((await admin.post('/clients', { name: 'lapsed' })).status).toBe(201);
  });

  it('without invalidate_expire, refuses nothing once the removal has completed (within the DELETE)', async () => {
    await admin.post('/clients', { name: 'gone-now' });
    expect((await admin.delete('/clients/gone-now?invalidate=true')).status).toBe(202);
    expect((await admin.post('/clients/gone-now/keepalive')).status).toBe(404);
    expect((await admin.post('/clients', { name: 'gone-now' })).status).toBe(201);
  });
});

describe('keepalives and staleness', () => {
  beforeAll(async () => {
    await admin.post('/clients', { name: 'fresh', timestamp: now() });
    await admin.post('/clients', { name: 'late', timestamp: now() - 150 });
    await admin.post('/clients', { name: 'stale', timestamp: now() - 600 });
    await admin.post('/clients', { name: 'patient', timestamp: now() - 600, keepalive: { thresholds: { warning: 3000, critical: 6000 } } });
    await admin.post('/clients', { name: 'strict', timestamp: now() - 60, keepalive: { thresholds: { warning: 10, critical: 30 } } });
  });

  it('computes ok, warning or critical from the timestamp and the thresholds', async () => {
    const status = async (name: string) => (await readonly.get(`/clients/${name}`)).body.keepalive_status;
    expect(await status('fresh')).toBe('ok');
    expect(await status('late')).toBe('warning');
    expect(await status('stale')).toBe('critical');
    expect(await status('patient')).toBe('ok');
    expect(await status('strict')).toBe('critical');
  });

  it('lists the stale clients with keepalive_status=critical', async () => {
    const res = await readonly.get('/clients?keepalive_status=critical');
    const names = res.body.map((c: { name: string }) => c.name);
    expect(names).toEqual(expect.arrayContaining(['stale', 'strict']));
    expect(names).not.toContain('fresh');
    expect(names).not.toContain('patient');
    expect(res.body.every((c: { keepalive_status: string }) => c.keepalive_status === 'critical')).toBe(true);
    expect((await readonly.get('/clients?keepalive_status=stale')).status).toBe(400);
  });

  it('a keepalive makes a stale client fresh; an unknown client is a 404', async () => {
    const res = await admin.post('/clients/stale/keepalive');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'stale', keepalive_status: 'ok' });
    expect((await readonly.get('/clients/stale')).body.keepalive_status).toBe('ok');
    expect((await admin.post('/clients/nobody/keepalive')).status).toBe(404);
  });
});

describe('CORS preflight', () => {
  it.each(['/clients', '/clients/any', '/clients/any/keepalive', '/clients/'])(
    'OPTIONS %s answers 200 with the CORS headers and no body',
    async (path) => {
      const res = await call(rt.url, 'OPTIONS', path, {
        headers: { origin: 'https://dash.example', 'access-control-request-method': 'POST' },
      });
      expect(res.status).toBe(200);
      expect(res.text).toBe('');
      expect(corsOf(res.headers)).toEqual(CORS);
    },
  );

  it('stamps the CORS headers on a wrong method too', async () => {
    const res = await admin.put('/clients', {});
    expect(res.status).toBe(405);
    expect(corsOf(res.headers)).toEqual(CORS);
  });
});
