import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RETRY } from '../../lib/store/client';
import { keys } from '../../lib/store/keys';
import { accessToken, bearer } from '../support/auth';
import { clusterClients } from '../support/cluster';
import { always, nextCalls, startFaultProxy, type FaultProxy, type Injection } from '../support/fault-proxy';
import { client } from '../support/http';
import { startRuntime, type Runtime } from '../support/runtime';

// The layer itself and what it proves today (faults.test.ts covers joins and leases under faults).
// No scheduled watcher during these tests: every store call is one a request made.
const QUIET = { ROSTER_WATCHER_INTERVAL_SECONDS: '3600' };

let proxy: FaultProxy;
let rt: Runtime;
const runtimes: Runtime[] = [];

beforeAll(async () => {
  proxy = await startFaultProxy(inject('dynamodbEndpoint'));
  rt = await startRuntime({ DYNAMODB_ENDPOINT: proxy.endpoint, ...QUIET });
  runtimes.push(rt);
  // The bootstrap task minted the cluster item: GET /api/v1/status is exactly one GetItem.
  expect((await client(rt.url).get('/api/v1/status')).status).toBe(200);
});
afterAll(async () => {
  for (const r of runtimes) await r.stop();
  await proxy?.close();
});

/** Runs `act` and returns its result with the requests the proxy saw meanwhile. */
async function watch<T>(act: () => Promise<T>) {
  const mark = proxy.requests.length;
  const result = await act();
  proxy.set();
  return { result, seen: proxy.requests.slice(mark) };
}

describe('the fault proxy', () => {
  it('created the runtime’s table through itself, and leaves control-plane calls alone whatever the rules say', async () => {
    const ops = new Set(proxy.requests.map((r) => r.operation));
    for (const op of ['DescribeTable', 'CreateTable', 'UpdateTimeToLive', 'GetItem']) expect(ops).toContain(op);
    proxy.set(always('*', 'throttle'));
    const res = await fetch(proxy.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.DescribeTable',
        authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00',
      },
      body: JSON.stringify({ TableName: rt.env.TABLE_NAME }),
    });
    proxy.set();
    expect(res.status).toBe(200);
    expect(((await res.json()) as { Table: { TableName: string } }).Table.TableName).toBe(rt.env.TABLE_NAME);
    expect(proxy.requests.at(-1)).toEqual({ operation: 'DescribeTable', status: 200 });
  });

  it('counts what it forwarded and injected per operation', async () => {
    const before = proxy.stats();
    const { seen } = await watch(async () => {
      proxy.set(nextCalls('GetItem', 'throttle', 1));
      return client(rt.url).get('/api/v1/status');
    });
    expect(seen).toEqual([
      { operation: 'GetItem', fault: 'throttle', status: 400 },
      { operation: 'GetItem', status: 200 },
    ]);
    const after = proxy.stats();
    expect(after.byOperation.GetItem!.requests - before.byOperation.GetItem!.requests).toBe(2);
    expect(after.byOperation.GetItem!.forwarded - before.byOperation.GetItem!.forwarded).toBe(1);
    expect((after.byOperation.GetItem!.injected.throttle ?? 0) - (before.byOperation.GetItem!.injected.throttle ?? 0)).toBe(1);
  });
});

describe(`the SDK's retries (${RETRY.maxAttempts} attempts, ${RETRY.retryMode} mode) against every kind of store failure`, () => {
  const failures: [string, Injection][] = [
    ['ProvisionedThroughputExceededException', { kind: 'throttle' }],
    ['ThrottlingException', { kind: 'throttle', type: 'ThrottlingException' }],
    ['500 InternalServerError', { kind: 'serverError', status: 500 }],
    ['503 ServiceUnavailable', { kind: 'serverError', status: 503 }],
    ['an HTML 502 from a load balancer', { kind: 'serverError', status: 502 }],
    ['a dropped connection', { kind: 'lostAfterCommit' }],
  ];

  // About 20 retry-quota tokens per case at most, far from standard mode's 500.
  it.each(failures)('%s on every attempt: exactly RETRY.maxAttempts GetItems, then 503 with Retry-After', async (_, failure) => {
    expect(RETRY).toEqual({ maxAttempts: 4, retryMode: 'standard' });
    const { result: res, seen } = await watch(async () => {
      proxy.set(always('GetItem', failure));
      return client(rt.url).get('/api/v1/status');
    });
    expect(seen.map((r) => [r.operation, r.fault])).toEqual(Array.from({ length: RETRY.maxAttempts }, () => ['GetItem', failure.kind]));
    expect(res.status, res.text).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.body).toEqual({ error: expect.any(String) });
  });

  it.each(failures)('%s on all but the last attempt: the request succeeds on attempt RETRY.maxAttempts', async (_, failure) => {
    const { result: res, seen } = await watch(async () => {
      proxy.set(nextCalls('GetItem', failure, RETRY.maxAttempts - 1));
      return client(rt.url).get('/api/v1/status');
    });
    expect(seen).toHaveLength(RETRY.maxAttempts);
    expect(seen.at(-1)).toEqual({ operation: 'GetItem', status: 200 });
    expect(res.status, res.text).toBe(200);
    expect(res.body.result.cluster.clusterId).toEqual(expect.any(String));
  });
});

describe('a response lost after the store committed', () => {
  it('keeps one cluster id when the answer to the PutItem that minted it is lost', async () => {
    // The bootstrap task mints the cluster item as the runtime starts: that PutItem's answer is lost.
    const { result: fresh, seen } = await watch(async () => {
      proxy.set(nextCalls('PutItem', 'lostAfterCommit', 1));
      return startRuntime({ DYNAMODB_ENDPOINT: proxy.endpoint, ...QUIET });
    });
    runtimes.push(fresh);
    // Minted, answer lost, retried: the retry's condition failed and returned the stored item.
    expect(seen.filter((r) => r.operation === 'PutItem')).toEqual([
      { operation: 'PutItem', fault: 'lostAfterCommit', writes: ['CLUSTER'] },
      { operation: 'PutItem', status: 400, writes: ['CLUSTER'] },
    ]);
    const first = await client(fresh.url).get('/api/v1/status');
    expect(first.status, first.text).toBe(200);
    const clusterId = first.body.result.cluster.clusterId;
    expect(clusterId).toEqual(expect.any(String));
    for (let i = 0; i < 3; i++) expect((await client(fresh.url).get('/api/v1/status')).body.result.cluster.clusterId).toBe(clusterId);
  });

  it('keeps one cluster id when ten first callers race and the first mint’s answer is lost', async () => {
    const fresh = await startRuntime({ DYNAMODB_ENDPOINT: proxy.endpoint, ...QUIET });
    runtimes.push(fresh);
    const reader = client(fresh.url, bearer(await accessToken(fresh, 'readonly')));
    // A cluster not yet begun: its item gone, so the first of the readers that mint it (Sensu's cluster id) race.
    const store = new DynamoDBClient({
      endpoint: inject('dynamodbEndpoint'),
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    await DynamoDBDocumentClient.from(store).send(new DeleteCommand({ TableName: fresh.env.TABLE_NAME, Key: keys.clusterMeta() }));
    store.destroy();
    expect((await client(fresh.url).get('/api/v1/status')).body.result.cluster).not.toHaveProperty('clusterId');
    const { result: answers, seen } = await watch(async () => {
      proxy.set(nextCalls('PutItem', 'lostAfterCommit', 1));
      return Promise.all(Array.from({ length: 10 }, () => reader.get('/api/core/v2/cluster/id')));
    });
    expect(seen.filter((r) => r.fault === 'lostAfterCommit')).toHaveLength(1);
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 10 }, () => 200));
    const ids = new Set(answers.map((a) => a.body));
    expect(ids.size).toBe(1);
    expect((await client(fresh.url).get('/api/v1/status')).body.result.cluster.clusterId).toBe([...ids][0]);
  });
});

describe('latency', () => {
  it('slows every store call but changes no answer', async () => {
    const c = await clusterClients(rt);
    const { node } = await c.join(7);
    const plain = {
      status: (await c.anonymous.get('/api/v1/status')).body,
      acquired: (await node.put('/api/v1/leases/slow-a', { ttlSeconds: 3600 })).body.result,
      members: (await c.readonly.get('/api/v1/cluster/members/7')).body.result.drainState,
    };
    const ms = 150;
    const { result: slowed, seen } = await watch(async () => {
      proxy.set(always('*', { kind: 'latency', ms }));
      const started = performance.now();
      const status = (await c.anonymous.get('/api/v1/status')).body;
      const elapsed = performance.now() - started;
      const renewed = (await node.put('/api/v1/leases/slow-a', { ttlSeconds: 3600 })).body.result;
      const released = await node.delete(`/api/v1/leases/slow-a?fencingToken=${plain.acquired.fencingToken}`);
      const members = (await c.readonly.get('/api/v1/cluster/members/7')).body.result.drainState;
      return { status, elapsed, renewed, released, members };
    });
    expect(seen.length).toBeGreaterThan(3);
    expect(seen.every((r) => r.fault === 'latency' && r.status === 200)).toBe(true);
    // At least one delayed GetItem lies inside the status call (a lower bound: it cannot flake on a slow machine).
    expect(slowed.elapsed).toBeGreaterThanOrEqual(ms - 5);
    expect(slowed.status).toEqual(plain.status);
    expect(slowed.renewed).toMatchObject({ holder: 7, fencingToken: plain.acquired.fencingToken, rangeId: plain.acquired.rangeId });
    expect(slowed.released.status).toBe(200);
    expect(slowed.members).toBe(plain.members);
  });
});
