import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterClients, sleep } from '../support/cluster';
import { client } from '../support/http';
import { startRuntime, type Runtime } from '../support/runtime';

describe('join races', () => {
  let rt: Runtime;
  let c: Awaited<ReturnType<typeof clusterClients>>;
  beforeAll(async () => {
    rt = await startRuntime();
    c = await clusterClients(rt);
  });
  afterAll(() => rt?.stop());

  it('makes exactly one of concurrent first joins (different tokens) the voter and leader', async () => {
    const tokens = await Promise.all([1, 2, 3, 4, 5, 6].map((id) => c.mint(id)));
    const answers = await Promise.all(tokens.map((t, i) => c.anonymous.post('/api/v1/cluster/join', c.joinBody(t, i + 1))));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201, 201]);
    const voters = answers.filter((a) => a.body.result.suffrage === 'voter');
    expect(voters).toHaveLength(1);
    const leader = voters[0]!.body.result.nodeId;
    const status = (await c.anonymous.get('/api/v1/status')).body.result.cluster;
    expect(status).toMatchObject({ leaderNodeId: leader, raftTerm: 1 });
    const members = (await c.readonly.get('/api/v1/cluster/members')).body.result;
    expect(members.filter((m: { isLeader: boolean }) => m.isLeader).map((m: { nodeId: number }) => m.nodeId)).toEqual([leader]);
  });

  it('gives exactly one 201 to 100 concurrent redemptions of one token; the others 401', async () => {
    const body = c.joinBody(await c.mint(100), 100);
    const answers = await Promise.all(Array.from({ length: 100 }, () => c.anonymous.post('/api/v1/cluster/join', body)));
    const statuses = answers.map((a) => a.status).sort();
    expect(answers.filter((a) => a.status !== 401 && a.status !== 201).map((a) => a.text)).toEqual([]);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 401)).toHaveLength(99);
    const members = (await c.readonly.get('/api/v1/cluster/members')).body.result;
    expect(members.filter((m: { nodeId: number }) => m.nodeId === 100)).toHaveLength(1);
  });

  it('answers every concurrent retry that carries the winning Idempotency-Key with 201 for the same one member', async () => {
    const body = c.joinBody(await c.mint(200), 200);
    const key = { 'idempotency-key': 'node-200-boot-1' };
    const answers = await Promise.all(Array.from({ length: 20 }, () => c.anonymous.post('/api/v1/cluster/join', body, key)));
    expect(answers.filter((a) => a.status !== 201).map((a) => a.text)).toEqual([]);
    expect(new Set(answers.map((a) => a.body.result.nodeId))).toEqual(new Set([200]));
    const members = (await c.readonly.get('/api/v1/cluster/members')).body.result;
    expect(members.filter((m: { nodeId: number }) => m.nodeId === 200)).toHaveLength(1);
    // Exactly one of the handed-out credentials is the current one.
    const beats = await Promise.all(
      answers.map((a) => c.beat(client(rt.url, { authorization: `Bearer ${a.body.result.nodeToken}` }), 200)),
    );
    expect(beats.filter((b) => b.status === 200)).toHaveLength(1);
  });
});

describe('leader election races', () => {
  let rt: Runtime;
  let c: Awaited<ReturnType<typeof clusterClients>>;
  const voters: { id: number; node: ReturnType<typeof client> }[] = [];
  beforeAll(async () => {
    rt = await startRuntime({ LEADER_LEASE_SECONDS: '1', AUTOPILOT_LAST_CONTACT_THRESHOLD_SECONDS: '120' });
    c = await clusterClients(rt);
    for (const id of [1, 2, 3, 4, 5]) {
      const { node } = await c.join(id);
      voters.push({ id, node });
      if (id !== 1) expect((await c.operator.post(`/api/v1/cluster/members/${id}/promote`)).status).toBe(200);
    }
  });
  afterAll(() => rt?.stop());

  it('elects one leader per term, with strictly increasing terms, when many voters heartbeat after the lease lapses', async () => {
    const leaderOfTerm = new Map<number, Set<number>>();
    let lastTerm = (await c.anonymous.get('/api/v1/status')).body.result.cluster.raftTerm;
    expect(lastTerm).toBe(1);
    for (let round = 0; round < 3; round++) {
      await sleep(1_500); // nobody heartbeats: the 1 s leader lease lapses
      const answers = await Promise.all(voters.flatMap((v) => Array.from({ length: 8 }, () => c.beat(v.node, v.id))));
      for (const a of answers) {
        expect(a.status).toBe(200);
        const { raftTerm, leaderNodeId, isLeader } = a.body.result;
        if (leaderNodeId === 0) continue;
        leaderOfTerm.set(raftTerm, (leaderOfTerm.get(raftTerm) ?? new Set()).add(leaderNodeId));
        if (isLeader) expect(leaderOfTerm.get(raftTerm)).toEqual(new Set([leaderNodeId]));
      }
      const term = (await c.anonymous.get('/api/v1/status')).body.result.cluster.raftTerm;
      expect(term).toBeGreaterThan(lastTerm);
      lastTerm = term;
    }
    for (const [term, leaders] of leaderOfTerm)
      expect({ term, leaders: [...leaders] }).toEqual({ term, leaders: [...leaders].slice(0, 1) });
  });
});
