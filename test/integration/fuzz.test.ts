import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { routes } from '../../lib/http/routes';
import type { RouteSpec } from '../../lib/http/route';
import { keys } from '../../lib/store/keys';
import { clusterClients } from '../support/cluster';
import { client } from '../support/http';
import { examples } from '../support/examples';
import { hostileRequests, type Hostile } from '../support/hostile';
import { accessToken, bearer } from '../support/auth';
import { startRuntime, type Runtime } from '../support/runtime';

/** FUZZ_SCALE (≥ 1) multiplies the run: 10,000 requests and at least 100 per route at 1. */
const SCALE = Math.max(1, Number(process.env.FUZZ_SCALE ?? 1));
const SEED = Number(process.env.FUZZ_SEED ?? 20261122);
const TOTAL = 10_000 * SCALE;

let rt: Runtime;
let store: DynamoDBClient;
const credentials: Record<'user' | 'node', Record<string, string>> = { user: {}, node: {} };

beforeAll(async () => {
  rt = await startRuntime();
  const c = await clusterClients(rt);
  const { answer } = await c.join(1);
  credentials.node = bearer(answer.nodeToken);
  // A real admin (init's own), so routes that read the caller's account (/users/me) reach their handler.
  const init = await client(rt.url).post('/api/v1/init', { email: 'fuzz-admin@roster.test', password: 'fuzz-admin-password' });
  if (init.status !== 201) throw new Error(`init: ${init.status} ${init.text}`);
  credentials.user = bearer(init.body.result.token);
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

const authFor = (route: RouteSpec) =>
  route.access === 'public' ? {} : route.access.includes('node') && route.access.length === 1 ? credentials.node : credentials.user;

/** A form route gets the hostile JSON as the form it stands for, under the form's media type. */
function asForm(h: Hostile): Hostile {
  if (h.headers['content-type'] !== 'application/json' || h.body === undefined) return h;
  let fields: unknown;
  try {
    fields = JSON.parse(h.body);
  } catch {
    fields = undefined;
  }
  const body =
    fields && typeof fields === 'object' && !Array.isArray(fields)
      ? new URLSearchParams(Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)])).toString()
      : h.body;
  return { ...h, body, headers: { ...h.headers, 'content-type': 'application/x-www-form-urlencoded' } };
}

/** A logout ends the session its access token names: each one the user credential would carry gets a session of its own. */
const ENDS_SESSION = new Set(['sensu-auth-logout', 'crdb-logout']);
async function headersFor(route: RouteSpec, h: Hostile): Promise<Hostile['headers']> {
  if (!ENDS_SESSION.has(route.fn) || h.headers.authorization !== credentials.user.authorization) return h.headers;
  return { ...h.headers, ...bearer(await accessToken(rt, 'admin')) };
}

async function send(route: RouteSpec, hostile: Hostile, headers?: Hostile['headers']): Promise<{ status: number; text: string }> {
  const h = route.bodyKind === 'form' ? asForm(hostile) : hostile;
  const res = await fetch(`${rt.url}${h.path}`, {
    method: route.method,
    headers: headers ?? (await headersFor(route, h)),
    body: route.method === 'GET' ? undefined : h.body,
  });
  return { status: res.status, text: await res.text() };
}

/** A wrong password is the one rejection that must be remembered: an email's login slots are left out. */
const LOGIN_SLOTS = keys.loginFailures('').PK;

/** The whole table, as a comparable string. */
async function snapshot(): Promise<string> {
  const items: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await store.send(
      new ScanCommand({ TableName: rt.env.TABLE_NAME, ExclusiveStartKey: start as never, ConsistentRead: true }),
    );
    items.push(...(out.Items ?? []).filter((i) => !i.PK?.S?.startsWith(LOGIN_SLOTS)).map((i) => JSON.stringify(i, Object.keys(i).sort())));
    start = out.LastEvaluatedKey;
  } while (start);
  return items.sort().join('\n');
}

/**
 * Past authentication and parsing (media type, size, JSON): the answer came from validation or the handler. On a
 * public route (join: the token in the body is the credential) a 401 is the handler's.
 */
const reachedHandler = (route: RouteSpec, status: number, text: string) =>
  status !== 413 &&
  status !== 415 &&
  !(status === 400 && /Malformed JSON/.test(text)) &&
  (route.access === 'public' || ![401, 403].includes(status));

describe('hostile requests across the whole route table', () => {
  const results: { route: RouteSpec; h: Hostile; status: number; text: string }[] = [];

  it(`answers ${TOTAL} of them without a single 5xx`, async () => {
    const perRoute = Math.max(100 * SCALE, Math.ceil(TOTAL / routes.length));
    const queue = routes.flatMap((route, i) =>
      hostileRequests(examples[route.fn]!, authFor(route), route.body !== undefined, perRoute, SEED + i).map((h) => ({ route, h })),
    );
    expect(queue.length).toBeGreaterThanOrEqual(10_000 * SCALE);
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < queue.length) {
          const { route, h } = queue[next++]!;
          results.push({ route, h, ...(await send(route, h)) });
        }
      }),
    );
    const failures = results.filter((r) => r.status >= 500);
    expect(failures.map((f) => `${f.route.method} ${f.h.path.slice(0, 80)} [${f.h.kind}] → ${f.status} ${f.text.slice(0, 120)}`)).toEqual(
      [],
    );
  }, 480_000);

  it('gets at least half of each route past authentication and parsing, into validation and the handler', () => {
    for (const route of routes) {
      const mine = results.filter((r) => r.route === route);
      expect(mine.length, route.fn).toBeGreaterThanOrEqual(100);
      const reached = mine.filter((r) => reachedHandler(route, r.status, r.text)).length;
      expect(reached / mine.length, `${route.fn}: ${reached}/${mine.length}`).toBeGreaterThanOrEqual(0.5);
    }
  });

  it('changes nothing when it rejects a request', async () => {
    const rejected = results.filter((r) => r.status >= 400 && r.status < 500 && r.route.method !== 'GET');
    const sample = rejected.filter((_, i) => i % Math.max(1, Math.floor(rejected.length / (120 * SCALE))) === 0).slice(0, 120 * SCALE);
    expect(sample.length).toBeGreaterThan(50);
    for (const { route, h } of sample) {
      const headers = await headersFor(route, h); // a fresh session is written before the snapshot
      const before = await snapshot();
      const again = await send(route, h, headers);
      if (again.status >= 400 && again.status < 500)
        expect(await snapshot(), `${route.method} ${h.path.slice(0, 80)} [${h.kind}] → ${again.status}`).toBe(before);
    }
  }, 240_000);
});
