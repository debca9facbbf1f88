import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { routes } from '../../lib/http/routes';
import type { RouteSpec } from '../../lib/http/route';
import { keys } from '../../lib/store/keys';
import { accessToken, bearer } from '../support/auth';
import { clusterClients } from '../support/cluster';
import { examples } from '../support/examples';
import { call, client } from '../support/http';
import { startRuntime, type Runtime } from '../support/runtime';

/**
 * Client definitions are kept exactly as sent (numbers digit for digit, on both surfaces,
 * in the store and on every read), and no body, however deeply nested, is a 5xx.
 */

let rt: Runtime;
let admin: ReturnType<typeof client>;
let store: DynamoDBClient;
const credentials: Record<'user' | 'node', Record<string, string>> = { user: {}, node: {} };

beforeAll(async () => {
  rt = await startRuntime();
  const { answer } = await (await clusterClients(rt)).join(1);
  credentials.node = bearer(answer.nodeToken);
  credentials.user = bearer(await accessToken(rt, 'admin'));
  admin = client(rt.url, credentials.user);
  store = new DynamoDBClient({
    endpoint: inject('dynamodbEndpoint'),
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
}, 120_000);
afterAll(async () => {
  store?.destroy();
  await rt?.stop();
});

/** Free-form attributes whose numbers JSON.parse would change: each must come back as written. */
const EXACT = [
  '"big":9007199254740993',
  '"huge":1e400',
  '"tiny":-1E-400',
  '"negzero":-0',
  '"exp":1E5',
  '"frac":1.50',
  '"long":123456789012345678901234567890.123456789',
  '"list":[18446744073709551615,0.1,2.0,{"deep":{"n":1e-7}}]',
  '"plain":42',
];
const exactBody = (name: string) => `{"name":"${name}",${EXACT.join(',')},"password":1e400,"tags":{"secret":99999999999999999999}}`;

describe('client numbers are kept digit for digit', () => {
  it('on the classic surface: get, list and keepalive answer every number as sent, redaction included', async () => {
    expect((await admin.post('/clients', exactBody('exact'))).status).toBe(201);
    const answers = [
      await admin.get('/clients/exact'),
      await admin.get('/clients'),
      await admin.get('/clients?limit=100'),
      await admin.post('/clients/exact/keepalive'),
    ];
    for (const res of answers) {
      expect(res.status).toBe(200);
      for (const attribute of EXACT) expect(res.text).toContain(attribute);
      expect(res.text).toContain('"password":"REDACTED"');
      expect(res.text).toContain('"tags":{"secret":"REDACTED"}');
    }
  });

  it('in the store: the definition is kept as JSON text with the numbers as sent', async () => {
    const { Item } = await store.send(new GetItemCommand({ TableName: rt.env.TABLE_NAME, Key: marshall(keys.client('default', 'exact')) }));
    const text = String(unmarshall(Item!).clientJson);
    for (const attribute of EXACT) expect(text).toContain(attribute);
    expect(text).toContain('"password":1e400');
    expect(text).toContain('"secret":99999999999999999999');
  });

  it('on the Sensu Go surface: the namespace routes and the all-namespaces list keep them too', async () => {
    const ns = '/api/core/v2/namespaces/exact-ns/clients';
    expect((await admin.post(ns, exactBody('exact-go'))).status).toBe(201);
    for (const res of [await admin.get(`${ns}/exact-go`), await admin.get(ns), await admin.get('/api/core/v2/clients')]) {
      expect(res.status).toBe(200);
      for (const attribute of EXACT) expect(res.text).toContain(attribute);
    }
  });

  it('still validates the known attributes: an integer JavaScript cannot hold exactly, or written as a float, is a 400', async () => {
    for (const body of [
      '{"name":"bad","timestamp":9007199254740993}',
      '{"name":"bad","socket":{"port":1e400}}',
      '{"name":"bad","keepalive":{"thresholds":{"warning":1.0}}}',
      '{"name":"bad","registration":{"status":2e0}}',
      '{"name":"bad","safe_mode":0}',
    ]) {
      const res = await admin.post('/clients', body);
      expect(res.status, body).toBe(400);
      expect(res.body.error, body).toMatch(/body field/);
    }
    expect((await admin.get('/clients/bad')).status).toBe(404);
  });

  it('keeps a duplicate key as JSON.parse does (the last wins) and a __proto__ key out of the definition', async () => {
    expect((await admin.post('/clients', '{"name":"dup","x":1,"x":12345678901234567890,"__proto__":{"polluted":1}}')).status).toBe(201);
    const res = await admin.get('/clients/dup');
    expect(res.text).toContain('"x":12345678901234567890');
    expect(res.text).not.toContain('polluted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers malformed JSON with a 400', async () => {
    for (const body of ['{"name":', '{"name":"a",}', '{"name":"a"} x', '{"name":01}', "{'name':'a'}"]) {
      const res = await admin.post('/clients', body);
      expect(res.status, body).toBe(400);
      expect(res.body.error, body).toMatch(/Malformed JSON/);
    }
  });
});

const deepArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const deepObjects = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
/** A string full of brackets is no nesting at all. */
const bracketString = `"${'['.repeat(10_000)}"`;

describe('deeply nested client definitions', () => {
  const bodies = (depth: number) => [
    ['arrays in an attribute', `{"name":"deep","nested":${deepArrays(depth)}}`],
    ['objects in an attribute', `{"name":"deep","nested":${deepObjects(depth)}}`],
    ['arrays as the body', deepArrays(depth)],
    ['objects as the body', deepObjects(depth)],
    ['a known attribute', `{"name":"deep","keepalive":{"thresholds":${deepObjects(depth)}}}`],
  ];

  it.each([65, 5_000, 50_000])('classic POST /clients refuses %i levels with 400 {error} in the Sensu classic format', async (depth) => {
    for (const [what, body] of bodies(depth)) {
      const res = await admin.post('/clients', body);
      expect(res.status, what).toBe(400);
      expect(Object.keys(res.body), what).toEqual(['error']);
      expect(res.body.error, what).toMatch(/64 levels/);
      expect(res.headers.get('access-control-allow-origin'), what).toBe('*');
    }
    expect((await admin.get('/clients/deep')).status).toBe(404);
  });

  it.each([65, 5_000, 50_000])(
    'Sensu Go POST …/namespaces/{ns}/clients refuses %i levels with 400 in the Sensu Go format',
    async (depth) => {
      for (const [what, body] of bodies(depth)) {
        const res = await admin.post('/api/core/v2/namespaces/deep-ns/clients', body);
        expect(res.status, what).toBe(400);
        expect(res.body, what).toEqual({ message: expect.stringMatching(/64 levels/), code: 1 });
      }
    },
  );

  it('accepts exactly 64 levels, and brackets inside strings are no nesting', async () => {
    const at = (depth: number) => `{"name":"deep-ok","nested":${deepArrays(depth - 1)},"s":${bracketString}}`;
    expect((await admin.post('/clients', at(64))).status).toBe(201);
    expect((await admin.get('/clients/deep-ok')).text).toContain(deepArrays(63));
    expect((await admin.post('/clients', at(65))).status).toBe(400);
  });
});

const authFor = (route: RouteSpec) =>
  route.access === 'public' ? {} : route.access.includes('node') && route.access.length === 1 ? credentials.node : credentials.user;

describe('deep bodies on every other route', () => {
  /** Deep values as the whole body and in place of each field of the route's valid example. */
  function deepVariants(route: RouteSpec): string[] {
    const example = examples[route.fn]?.body;
    const fields = example && typeof example === 'object' && !Array.isArray(example) ? Object.keys(example) : [];
    return [5_000, 50_000].flatMap((depth) => [
      deepArrays(depth),
      deepObjects(depth),
      ...fields.flatMap((field) =>
        [deepArrays(depth), deepObjects(depth)].map((deep) => {
          const rest = JSON.stringify({ ...(example as object), [field]: 0 });
          return rest.replace(`${JSON.stringify(field)}:0`, `${JSON.stringify(field)}:${deep}`);
        }),
      ),
    ]);
  }

  it('answers a 4xx wherever a body is validated, and never a 5xx anywhere', async () => {
    const failures: string[] = [];
    const bodied = routes.filter((r) => r.method !== 'GET' && r.method !== 'OPTIONS');
    for (const route of bodied) {
      const { path, headers } = examples[route.fn]!;
      for (const body of deepVariants(route)) {
        const res = await call(rt.url, route.method, path, { body, headers: { ...authFor(route), ...headers } });
        const validated = route.body !== undefined && (route.bodyKind ?? 'json') === 'json';
        if (res.status >= 500 || (validated && (res.status < 400 || res.status >= 500)))
          failures.push(`${route.method} ${route.path} [${body.slice(0, 40)}… ${body.length} B] → ${res.status} ${res.text.slice(0, 100)}`);
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);
});
