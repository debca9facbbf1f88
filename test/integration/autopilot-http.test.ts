import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterClients, eventually } from '../support/cluster';
import type { client } from '../support/http';
import { startRuntime, type Runtime } from '../support/runtime';

/**
 * Autopilot end to end: the real local runtime, its scheduler running the watcher every
 * second, short thresholds, and nodes that heartbeat over HTTP until the test stops them.
 * Deadlines are asserted as state before and after, with margins for a slow machine.
 */

let rt: Runtime;
let c: Awaited<ReturnType<typeof clusterClients>>;
/** How long a watcher pass may take to notice (it runs every second). */
const PATIENCE = 20_000;
const beating = new Map<number, ReturnType<typeof client>>();
let heart: ReturnType<typeof setInterval> | undefined;

beforeAll(async () => {
  rt = await startRuntime({
    // Margins for a busy machine: heartbeats every 0.4 s against 5 s of contact and leader lease,
    // and 10 s of stabilization between a join and the check that the joiner is not yet promoted.
    ROSTER_WATCHER_INTERVAL_SECONDS: '1',
    AUTOPILOT_LAST_CONTACT_THRESHOLD_SECONDS: '5',
    AUTOPILOT_SERVER_STABILIZATION_SECONDS: '10',
    AUTOPILOT_DEAD_SERVER_SECONDS: '3',
    AUTOPILOT_MIN_QUORUM: '1',
    LEADER_LEASE_SECONDS: '5',
  });
  c = await clusterClients(rt);
  heart = setInterval(() => {
    for (const [id, node] of beating) void c.beat(node, id).catch(() => {});
  }, 400);
});
afterAll(async () => {
  clearInterval(heart);
  await rt?.stop();
});

const join = async (nodeId: number) => {
  const { node } = await c.join(nodeId);
  beating.set(nodeId, node);
  return node;
};
const autopilot = async () => {
  const res = await c.readonly.get('/api/v1/cluster/autopilot');
  expect(res.status).toBe(200);
  return res.body.result;
};
const server = async (nodeId: number) => (await autopilot()).servers.find((s: { nodeId: number }) => s.nodeId === nodeId);

describe('GET /api/v1/cluster/autopilot and the watcher', () => {
  it('reports the first member as the healthy leader and a joiner as a healthy nonvoter, promoted once stable', async () => {
    await join(1);
    await join(2);
    const view = await autopilot();
    expect(view).toMatchObject({ healthy: true, failureTolerance: 0, leaderNodeId: 1, voters: [1] });
    expect(view.servers).toEqual([
      {
        nodeId: 1,
        raftAddress: '10.0.0.1:7000',
        nodeStatus: 'alive',
        healthy: true,
        isLeader: true,
        hasVotingRights: true,
        stableSince: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      },
      expect.objectContaining({ nodeId: 2, nodeStatus: 'alive', healthy: true, isLeader: false, hasVotingRights: false }),
    ]);
    // Stabilization is 10 s: a moment after its join, 2 is still a nonvoter; then the watcher promotes it.
    expect((await server(2)).hasVotingRights).toBe(false);
    expect(await eventually(async () => (await autopilot()).voters.length === 2, PATIENCE)).toBe(true);
    const member = (await c.readonly.get('/api/v1/cluster/members/2')).body.result;
    expect(member.suffrage).toBe('voter');
  });

  it('marks a silent member failed, then removes it as dead and frees its leases, keeping a healthy quorum', async () => {
    const node = await join(3);
    expect((await node.put('/api/v1/leases/autopilot-job', { ttlSeconds: 600 })).status).toBe(200);
    beating.delete(3);
    expect(await eventually(async () => (await server(3))?.nodeStatus === 'failed', PATIENCE)).toBe(true);
    const failing = await server(3);
    expect(failing.healthy).toBe(false);
    expect((await autopilot()).leaderNodeId).toBe(1);
    // Failed after 5 s of silence, dead 3 s later: removed by a pass soon after.
    expect(await eventually(async () => (await server(3)) === undefined, PATIENCE)).toBe(true);
    expect((await c.readonly.get('/api/v1/cluster/members/3')).status).toBe(404);
    expect((await c.readonly.get('/api/v1/leases/autopilot-job')).body.result.holder).toBeNull();
    expect((await autopilot()).servers.map((s: { nodeId: number }) => s.nodeId)).toEqual([1, 2]);
  });

  it('moves leadership to a healthy voter with a higher term when the leader falls silent, then removes the old leader', async () => {
    const before = (await c.readonly.get('/api/v1/status')).body.result.cluster;
    expect(before.leaderNodeId).toBe(1);
    beating.delete(1);
    expect(await eventually(async () => (await autopilot()).leaderNodeId === 2, PATIENCE)).toBe(true);
    const after = (await c.readonly.get('/api/v1/status')).body.result.cluster;
    expect(after.raftTerm).toBeGreaterThan(before.raftTerm);
    expect((await server(2)).isLeader).toBe(true);
    // The silent former leader is a dead voter like any other: removed, since one healthy voter is a quorum of one.
    expect(await eventually(async () => (await autopilot()).voters.join() === '2', PATIENCE)).toBe(true);
    expect(await autopilot()).toMatchObject({ healthy: true, failureTolerance: 0, leaderNodeId: 2 });
  });

  it('answers only users: 401 without a credential, 403 for a node', async () => {
    expect((await c.anonymous.get('/api/v1/cluster/autopilot')).status).toBe(401);
    expect((await beating.get(2)!.get('/api/v1/cluster/autopilot')).status).toBe(403);
    expect((await c.operator.get('/api/v1/cluster/autopilot/')).status).toBe(200);
  });
});
