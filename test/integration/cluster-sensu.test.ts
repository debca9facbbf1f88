import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterClients } from '../support/cluster';
import { startRuntime, type Runtime } from '../support/runtime';

let rt: Runtime;
let c: Awaited<ReturnType<typeof clusterClients>>;

beforeAll(async () => {
  rt = await startRuntime();
  c = await clusterClients(rt);
  await c.join(1);
  await c.join(2);
});
afterAll(() => rt?.stop());

const MEMBERS = '/api/core/v2/cluster/members';
const hex = (id: number) => id.toString(16);

describe('Sensu Go cluster members', () => {
  it('lists members with a header naming the cluster, the leader and the term, ids as exact JSON numbers', async () => {
    const res = await c.readonly.get(MEMBERS);
    expect(res.status).toBe(200);
    const status = (await c.anonymous.get('/api/v1/status')).body.result.cluster;
    expect(res.body).toEqual({
      header: { cluster_id: Number(status.clusterId), member_id: 1, raft_term: 1 },
      members: [
        { ID: 1, name: 'node-1', peerURLs: ['https://10.0.0.1:7000'], clientURLs: ['https://10.0.0.1:5002'] },
        { ID: 2, name: 'node-2', peerURLs: ['https://10.0.0.2:7000'], clientURLs: ['https://10.0.0.2:5002'] },
      ],
    });
    expect(Number.isSafeInteger(res.body.header.cluster_id)).toBe(true);
    expect(res.text).toContain(`"cluster_id":${status.clusterId}`);
  });

  it('answers the cluster id as a JSON string', async () => {
    const res = await c.readonly.get('/api/core/v2/cluster/id');
    expect(res.status).toBe(200);
    expect(res.body).toBe(String((await c.anonymous.get('/api/v1/status')).body.result.cluster.clusterId));
  });

  it('adds a nonvoter with peer-addrs, unknown until a node claims it with a token minted for its id', async () => {
    expect((await c.admin.post(MEMBERS)).status).toBe(400);
    expect((await c.admin.post(`${MEMBERS}?peer-addrs=not%20a%20url`)).status).toBe(400);
    expect((await c.operator.post(`${MEMBERS}?peer-addrs=https://10.0.0.9:7000`)).status).toBe(403);
    const res = await c.admin.post(`${MEMBERS}?peer-addrs=https://10.0.0.9:7000,https://10.0.1.9:7000`);
    expect(res.status).toBe(200);
    const added = res.body.members.find((m: { ID: number }) => m.ID !== 1 && m.ID !== 2);
    expect(added).toMatchObject({ name: '', peerURLs: ['https://10.0.0.9:7000', 'https://10.0.1.9:7000'], clientURLs: [] });
    expect(Number.isSafeInteger(added.ID)).toBe(true);

    const canonical = (await c.readonly.get(`/api/v1/cluster/members/${added.ID}`)).body.result;
    expect(canonical).toMatchObject({ suffrage: 'nonvoter', nodeStatus: 'unknown', drainState: 'active', isLeader: false });
    expect(canonical.lastHeartbeatAt).toBeUndefined();

    const joined = await c.anonymous.post('/api/v1/cluster/join', c.joinBody(await c.mint(added.ID), added.ID));
    expect(joined.status).toBe(201);
    expect(joined.body.result).toMatchObject({ nodeId: added.ID, suffrage: 'nonvoter', leaderNodeId: 1 });
    expect((await c.readonly.get(`/api/v1/cluster/members/${added.ID}`)).body.result.nodeStatus).toBe('alive');
    const again = await c.anonymous.post('/api/v1/cluster/join', c.joinBody(await c.mint(added.ID), added.ID));
    expect(again.status).toBe(409);
    const after = (await c.readonly.get(MEMBERS)).body.members.find((m: { ID: number }) => m.ID === added.ID);
    expect(after).toMatchObject({ name: `node-${added.ID}`, peerURLs: ['https://10.0.0.9:7000', 'https://10.0.1.9:7000'] });
  });

  it('updates peer URLs by hex id; 404 for an unknown one', async () => {
    const res = await c.admin.put(`${MEMBERS}/${hex(2)}?peer-addrs=https://10.2.2.2:7000`);
    expect(res.status).toBe(200);
    expect(res.body.members.find((m: { ID: number }) => m.ID === 2).peerURLs).toEqual(['https://10.2.2.2:7000']);
    const missing = await c.admin.put(`${MEMBERS}/${hex(0xabc)}?peer-addrs=https://10.2.2.2:7000`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 2 });
    expect((await c.admin.put(`${MEMBERS}/${hex(2)}`)).status).toBe(400);
  });

  it('removes by hex id with 202 without a drain, refuses the leader with 409, and 404 for an unknown id', async () => {
    const leader = await c.admin.delete(`${MEMBERS}/${hex(1)}`);
    expect(leader.status).toBe(409);
    expect(leader.body).toMatchObject({ code: 3 });
    expect((await c.admin.delete(`${MEMBERS}/${hex(0xabc)}`)).status).toBe(404);
    const res = await c.admin.delete(`${MEMBERS}/${hex(2)}`);
    expect(res.status).toBe(202);
    expect((await c.readonly.get(MEMBERS)).body.members.map((m: { ID: number }) => m.ID)).not.toContain(2);
  });
});
