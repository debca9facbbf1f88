import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterClients, eventually } from '../support/cluster';
import { startRuntime, type Runtime } from '../support/runtime';

/** ROSTER_NODE_LOG_SAMPLE (serverless.yml sets it): a node path's successful summaries 1 in N; errors and other routes always. */
let rt: Runtime;
let c: Awaited<ReturnType<typeof clusterClients>>;
beforeAll(async () => {
  rt = await startRuntime({ ROSTER_NODE_LOG_SAMPLE: '3' });
  c = await clusterClients(rt);
});
afterAll(() => rt?.stop());

const summaries = () =>
  rt
    .logs()
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry.msg === 'request');
const ofIds = (ids: (string | null)[]) => summaries().filter((s) => ids.includes(s.requestId as string));
/** Waits (generously) until the lines of `ids` reach `count`: the runtime's output arrives through a pipe. */
const linesOf = async (ids: (string | null)[], count: number) => {
  await eventually(async () => ofIds(ids).length >= count, 10_000);
  return ofIds(ids);
};

describe('sampled summary lines', () => {
  it("logs the first and then every third of a node's successful heartbeats and renewals, each saying it stands for 3", async () => {
    const { node } = await c.join(31);
    const beats = [];
    for (let i = 0; i < 6; i++) beats.push(await c.beat(node, 31));
    expect(beats.map((b) => b.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const acquired = await node.put('/api/v1/leases/sampled', { ttlSeconds: 60 });
    const renewals = [];
    for (let i = 0; i < 5; i++)
      renewals.push(await node.put('/api/v1/leases/sampled', { ttlSeconds: 60, fencingToken: acquired.body.result.fencingToken }));
    expect(renewals.every((r) => r.status === 200)).toBe(true);
    // A later line on the same pipe: every earlier request's line has arrived once it has.
    await linesOf([(await c.readonly.get('/api/v1/cluster/members')).headers.get('x-request-id')], 1);
    const beatLines = ofIds(beats.map((b) => b.headers.get('x-request-id')));
    expect(beatLines).toHaveLength(2);
    expect(beatLines.every((l) => l.sampled === 3 && l.status === 200)).toBe(true);
    const leaseLines = ofIds([acquired, ...renewals].map((r) => r.headers.get('x-request-id')));
    expect(leaseLines).toHaveLength(2);
  });

  it("always logs a node path's errors, with their message", async () => {
    const { node } = await c.join(32);
    const refused = [];
    for (let i = 0; i < 4; i++) refused.push(await c.beat(node, 33)); // another member's heartbeat
    expect(refused.every((r) => r.status >= 400)).toBe(true);
    const stale = await node.put('/api/v1/leases/sampled-2', { ttlSeconds: 60, fencingToken: 999 });
    expect(stale.status).toBeGreaterThanOrEqual(400);
    const lines = await linesOf(
      [...refused, stale].map((r) => r.headers.get('x-request-id')),
      5,
    );
    expect(lines).toHaveLength(5);
    expect(lines.every((l) => typeof l.error === 'string' && l.sampled === undefined)).toBe(true);
  });

  it('always logs the routes that are not node paths', async () => {
    const reads = [];
    for (let i = 0; i < 4; i++) reads.push(await c.readonly.get('/api/v1/cluster/members'));
    expect(reads.every((r) => r.status === 200)).toBe(true);
    const lines = await linesOf(
      reads.map((r) => r.headers.get('x-request-id')),
      4,
    );
    expect(lines).toHaveLength(4);
    expect(lines.every((l) => l.sampled === undefined)).toBe(true);
  });
});
