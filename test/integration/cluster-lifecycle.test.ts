import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterClients } from '../support/cluster';
import { startRuntime, type Runtime } from '../support/runtime';

let rt: Runtime;
let c: Awaited<ReturnType<typeof clusterClients>>;
type Joined = Awaited<ReturnType<typeof c.join>>;
const nodes = new Map<number, Joined>();

beforeAll(async () => {
  // A lease that outlasts the file on a busy machine: node 1 leads in term 1 throughout (lapses are tested elsewhere).
  rt = await startRuntime({ LEADER_LEASE_SECONDS: '600' });
  c = await clusterClients(rt);
  for (const id of [1, 2, 3, 12]) nodes.set(id, await c.join(id));
});
afterAll(() => rt?.stop());

describe('members (Ella)', () => {
  it('lists every member sorted by node id, to any role and to nodes', async () => {
    for (const who of [c.readonly, c.operator, c.admin, nodes.get(2)!.node]) {
      const res = await who.get('/api/v1/cluster/members');
      expect(res.status).toBe(200);
      expect(res.body.result.map((m: { nodeId: number }) => m.nodeId)).toEqual([1, 2, 3, 12]);
    }
    const [leader] = (await c.readonly.get('/api/v1/cluster/members')).body.result;
    expect(leader).toEqual({
      nodeId: 1,
      raftAddress: '10.0.0.1:7000',
      apiAddress: '10.0.0.1:5002',
      binaryVersion: 'v1.2.3',
      suffrage: 'voter',
      isLeader: true,
      drainState: 'active',
      nodeStatus: 'alive',
      lastHeartbeatAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      activeLeases: 0,
    });
    expect((await c.anonymous.get('/api/v1/cluster/members')).status).toBe(401);
  });

  it('pages with page and per_page', async () => {
    const res = await c.readonly.get('/api/v1/cluster/members?page=2&per_page=3');
    expect(res.body.result).toMatchObject({ page: 2, per_page: 3, total_count: 4 });
    expect(res.body.result.items.map((m: { nodeId: number }) => m.nodeId)).toEqual([12]);
  });

  it('gets one member, and 404 Cluster member not found for another', async () => {
    expect((await c.readonly.get('/api/v1/cluster/members/12')).body.result).toMatchObject({ nodeId: 12, suffrage: 'nonvoter' });
    const missing = await c.readonly.get('/api/v1/cluster/members/99');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatch(/Cluster member .*not found/);
    expect((await c.readonly.get('/api/v1/cluster/members/0x1')).status).toBe(400);
  });

  it('promotes a nonvoter once, as an operator; a voter is 409; a reader is 403', async () => {
    expect((await c.readonly.post('/api/v1/cluster/members/2/promote')).status).toBe(403);
    const res = await c.operator.post('/api/v1/cluster/members/2/promote');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ result: { message: 'Cluster member promoted to voter' } });
    expect((await c.operator.post('/api/v1/cluster/members/2/promote')).status).toBe(409);
    expect((await c.operator.post('/api/v1/cluster/members/98/promote')).status).toBe(404);
    expect((await c.readonly.get('/api/v1/cluster/members/2')).body.result.suffrage).toBe('voter');
  });

  it('refuses to remove the leader even with force, and an undrained member without force', async () => {
    const leader = await c.admin.delete('/api/v1/cluster/members/1?force=true');
    expect(leader.status).toBe(409);
    expect(leader.body.error).toMatch(/leader/);
    const undrained = await c.admin.delete('/api/v1/cluster/members/3');
    expect(undrained.status).toBe(409);
    expect(undrained.body.error).toMatch(/drained/);
    expect((await c.operator.delete('/api/v1/cluster/members/3?force=true')).status).toBe(403);
    expect((await c.admin.delete('/api/v1/cluster/members/97?force=true')).status).toBe(404);
  });

  it('removes with force: from then on the node gets 401 and its leases are free for others', async () => {
    const three = nodes.get(3)!;
    expect((await three.node.put('/api/v1/leases/db-primary', { ttlSeconds: 600 })).status).toBe(200);
    expect((await c.readonly.get('/api/v1/cluster/members/3')).body.result.activeLeases).toBe(1);
    expect((await nodes.get(12)!.node.put('/api/v1/leases/db-primary', { ttlSeconds: 60 })).status).toBe(409);

    const res = await c.admin.delete('/api/v1/cluster/members/3?force=true');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ result: { message: 'Cluster member removed' } });

    expect((await c.beat(three.node, 3)).status).toBe(401);
    expect((await three.node.put('/api/v1/leases/db-primary', { ttlSeconds: 600 })).status).toBe(401);
    expect((await three.node.get('/api/v1/cluster/members')).status).toBe(401);
    const taken = await nodes.get(12)!.node.put('/api/v1/leases/db-primary', { ttlSeconds: 60 });
    expect(taken.status).toBe(200);
    expect(taken.body.result.holder).toBe(12);
    expect((await c.readonly.get('/api/v1/cluster/members/3')).status).toBe(404);
  });
});

describe('heartbeat', () => {
  it('answers drain state, suffrage, leadership, term and the interval, for its own id only', async () => {
    const one = nodes.get(1)!;
    const res = await c.beat(one.node, 1);
    expect(res.status).toBe(200);
    expect(res.body.result).toEqual({
      drainState: 'active',
      suffrage: 'voter',
      isLeader: true,
      leaderNodeId: 1,
      raftTerm: 1,
      heartbeatIntervalSeconds: 3,
    });
    expect((await c.beat(one.node, 2)).status).toBe(403);
    expect((await c.beat(c.admin, 1)).status).toBe(403);
    expect((await c.beat(c.anonymous, 1)).status).toBe(401);
    const twelve = await c.beat(nodes.get(12)!.node, 12);
    expect(twelve.body.result).toMatchObject({ suffrage: 'nonvoter', isLeader: false, leaderNodeId: 1 });
  });

  it('moves lastHeartbeatAt forward', async () => {
    const before = (await c.readonly.get('/api/v1/cluster/members/12')).body.result.lastHeartbeatAt;
    await new Promise((r) => setTimeout(r, 20));
    await c.beat(nodes.get(12)!.node, 12);
    const after = (await c.readonly.get('/api/v1/cluster/members/12')).body.result.lastHeartbeatAt;
    expect(Date.parse(after)).toBeGreaterThan(Date.parse(before));
  });

  it('refuses a forged credential for an existing member', async () => {
    const forged = `rnode_12_${'A'.repeat(43)}`;
    expect((await c.anonymous.post('/api/v1/cluster/members/12/heartbeat', undefined, { authorization: `Bearer ${forged}` })).status).toBe(
      401,
    );
    expect((await c.anonymous.get('/api/v1/cluster/members', { authorization: `Bearer ${forged}` })).status).toBe(401);
  });
});
