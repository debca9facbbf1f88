import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RETRY } from '../../lib/store/client';
import { clusterClients } from '../support/cluster';
import { randomFaults, startFaultProxy, type Decide, type Fault } from '../support/fault-proxy';
import { startRuntime, type Runtime } from '../support/runtime';

let proxy: Awaited<ReturnType<typeof startFaultProxy>>;
let rt: Runtime;
let c: Awaited<ReturnType<typeof clusterClients>>;

beforeAll(async () => {
  proxy = await startFaultProxy(inject('dynamodbEndpoint'), () => undefined);
  rt = await startRuntime({ DYNAMODB_ENDPOINT: proxy.endpoint });
  c = await clusterClients(rt);
  await c.join(1);
});
afterAll(async () => {
  await rt?.stop();
  await proxy?.close();
});

/** `fault` on the first `times` requests to `operation`, nothing after. */
function first(operation: string, fault: Fault, times: number): Decide {
  let left = times;
  return (op) => (op === operation && left-- > 0 ? fault : undefined);
}

const attempts = (op: string) => proxy.attempts.get(op) ?? 0;

describe('store faults through the SDK and its retries', () => {
  it(`makes exactly ${RETRY.maxAttempts} attempts on a throttled read, then answers 503 with Retry-After`, async () => {
    expect(RETRY).toEqual({ maxAttempts: 4, retryMode: 'standard' });
    const before = attempts('GetItem');
    proxy.set((op) => (op === 'GetItem' ? 'throttle' : undefined));
    const res = await c.anonymous.get('/api/v1/status');
    proxy.set(() => undefined);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(attempts('GetItem') - before).toBe(RETRY.maxAttempts);
  });

  it('succeeds when throttling stops before the attempts run out', async () => {
    const before = attempts('GetItem');
    proxy.set(first('GetItem', 'throttle', 2));
    const res = await c.anonymous.get('/api/v1/status');
    expect(res.status).toBe(200);
    // Three attempts at the cluster item (two throttled), then one at the leader's member for its API address.
    expect(attempts('GetItem') - before).toBe(3 + 1);
  });

  it('retries a 5xx from the store, and answers 503 (never a bare 500) once attempts are spent', async () => {
    proxy.set((op) => (op === 'GetItem' ? 'serverError' : undefined));
    const res = await c.anonymous.get('/api/v1/status');
    proxy.set(() => undefined);
    expect(res.status).toBe(503);
    expect(res.body.error).toBeTruthy();
  });

  it('keeps a join whose commit response was lost: the retried transaction is idempotent', async () => {
    const token = await c.mint(50);
    proxy.set(first('TransactWriteItems', 'lostAfterCommit', 1));
    const joined = await c.anonymous.post('/api/v1/cluster/join', c.joinBody(token, 50), { 'idempotency-key': 'node-50-first-boot' });
    proxy.set(() => undefined);
    expect(joined.status).toBe(201);
    expect(proxy.injected.lostAfterCommit).toBeGreaterThan(0);
    const ids = ((await c.readonly.get('/api/v1/cluster/members')).body.result as { nodeId: number }[]).map((m) => m.nodeId);
    expect(ids.filter((id) => id === 50)).toHaveLength(1);
    // Not a false "token already used": the same key gets the member again; another caller does not.
    expect(
      (await c.anonymous.post('/api/v1/cluster/join', c.joinBody(token, 50), { 'idempotency-key': 'node-50-first-boot' })).status,
    ).toBe(201);
    expect((await c.anonymous.post('/api/v1/cluster/join', c.joinBody(token, 50))).status).toBe(401);
  });

  it('answers a lease acquire whose commit response was lost as the holder, with the stored token', async () => {
    const { node } = await c.join(60);
    proxy.set(first('TransactWriteItems', 'lostAfterCommit', 1));
    const res = await node.put('/api/v1/leases/lost-ack', { ttlSeconds: 60 });
    proxy.set(() => undefined);
    expect(res.status).toBe(200);
    const stored = (await c.readonly.get('/api/v1/leases/lost-ack')).body.result;
    expect(stored).toMatchObject({ holder: 60, fencingToken: res.body.result.fencingToken });
  });

  it('answers a release whose commit response was lost as released, not as a 409', async () => {
    const { node } = await c.join(70);
    const held = (await node.put('/api/v1/leases/lost-release', { ttlSeconds: 60 })).body.result;
    proxy.set(first('UpdateItem', 'lostAfterCommit', 1));
    const res = await node.delete(`/api/v1/leases/lost-release?fencingToken=${held.fencingToken}`);
    proxy.set(() => undefined);
    expect(res.status).toBe(200);
    expect((await c.readonly.get('/api/v1/leases/lost-release')).body.result.holder).toBeNull();
  });

  it('loses nothing acknowledged and duplicates nothing under mixed faults', async () => {
    proxy.set(randomFaults({ throttle: 0.08, serverError: 0.05, latency: 0.1, lostAfterCommit: 0.05 }, 99));
    const ids = Array.from({ length: 16 }, (_, i) => 100 + i);
    const acked = await Promise.all(
      ids.map(async (id) => {
        let token: string | undefined;
        for (let i = 0; i < 10 && !token; i++) token = await c.mint(id).catch(() => undefined);
        for (let attempt = 0; attempt < 10; attempt++) {
          const res = await c.anonymous.post('/api/v1/cluster/join', c.joinBody(token!, id), { 'idempotency-key': `boot-${id}` });
          if (res.status === 201) return id;
          expect(res.status, `join ${id}: ${res.text}`).not.toBe(401);
          // The store may stay busy past the SDK's retries (503, retried here); never another 5xx.
          if (res.status >= 500) expect(res.status, res.text).toBe(503);
        }
        return undefined;
      }),
    );
    proxy.set(() => undefined);
    const members = ((await c.readonly.get('/api/v1/cluster/members')).body.result as { nodeId: number }[]).map((m) => m.nodeId);
    expect(new Set(members).size).toBe(members.length);
    for (const id of acked.filter((x): x is number => x !== undefined)) expect(members).toContain(id);
    expect(acked.filter((x) => x !== undefined).length).toBeGreaterThan(12);
  });
});
