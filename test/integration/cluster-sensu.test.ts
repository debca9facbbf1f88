import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessToken, bearer } from '../support/auth';
import { clusterClients } from '../support/cluster';
import { client } from '../support/http';
import { startRuntime, type Runtime } from '../support/runtime';

let rt: Runtime;
let c: Awaited<ReturnType<typeof clusterClients>>;

const ADMIN = { email: 'first@roster.test', password: 'first-password' };

beforeAll(async () => {
  rt = await startRuntime({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
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

describe('Sensu Go peer URLs are unique among members, as in etcd', () => {
  const peersOf = async () =>
    ((await c.readonly.get(MEMBERS)).body.members as { ID: number; peerURLs: string[] }[]).flatMap((m) => m.peerURLs);

  it("refuses a retried add with 409 in Sensu's format, so the retry makes no second member", async () => {
    const url = 'https://10.7.0.1:7000';
    const first = await c.admin.post(`${MEMBERS}?peer-addrs=${url}`);
    expect(first.status).toBe(200);
    const retry = await c.admin.post(`${MEMBERS}?peer-addrs=${url}`);
    expect(retry.status).toBe(409);
    expect(retry.body).toMatchObject({ code: 3, message: expect.stringContaining(url) });
    // The same URL spelled otherwise, or beside a free one, is the same peer URL.
    expect((await c.admin.post(`${MEMBERS}?peer-addrs=HTTPS://10.7.0.1:7000/`)).status).toBe(409);
    expect((await c.admin.post(`${MEMBERS}?peer-addrs=https://10.7.0.2:7000,${url}`)).status).toBe(409);
    expect((await peersOf()).filter((p) => p === url)).toHaveLength(1);
    expect(await peersOf()).not.toContain('https://10.7.0.2:7000');
    // Twice in one add is a bad request.
    expect((await c.admin.post(`${MEMBERS}?peer-addrs=https://10.7.0.3:7000,https://10.7.0.3:7000/`)).status).toBe(400);
  });

  it("refuses a joined member's peer URL, and a join onto a peer URL another member holds", async () => {
    const joined = await c.join(31);
    const own = `https://${c.joinBody('', 31).raftAddress}`;
    expect((await c.admin.post(`${MEMBERS}?peer-addrs=${own}`)).status).toBe(409);
    const added = await c.admin.post(`${MEMBERS}?peer-addrs=https://${c.joinBody('', 32).raftAddress}`);
    expect(added.status).toBe(200);
    const res = await c.anonymous.post('/api/v1/cluster/join', c.joinBody(await c.mint(32), 32));
    expect(res.status).toBe(409);
    expect(res.body.error).toContain('Peer URL');
    expect(joined.answer.nodeId).toBe(31);
  });

  it('moves reservations with a PUT and frees them with the removal', async () => {
    const from = 'https://10.7.1.1:7000';
    const to = 'https://10.7.1.2:7000';
    const added = (await c.admin.post(`${MEMBERS}?peer-addrs=${from}`)).body.members.find((m: { peerURLs: string[] }) =>
      m.peerURLs.includes(from),
    );
    // Another member's URL is refused, and nothing changes.
    const taken = await c.admin.put(`${MEMBERS}/${hex(added.ID)}?peer-addrs=https://10.7.0.1:7000`);
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ code: 3 });
    expect((await c.admin.put(`${MEMBERS}/${hex(added.ID)}?peer-addrs=${to}`)).status).toBe(200);
    expect((await c.admin.post(`${MEMBERS}?peer-addrs=${to}`)).status).toBe(409);
    const reused = await c.admin.post(`${MEMBERS}?peer-addrs=${from}`);
    expect(reused.status).toBe(200);
    expect((await c.admin.delete(`${MEMBERS}/${hex(added.ID)}`)).status).toBe(202);
    expect((await c.admin.post(`${MEMBERS}?peer-addrs=${to}`)).status).toBe(200);
  });
});

describe('Sensu Go member ids and API keys', () => {
  it("parses ids in paths as hex up to 2^64-1: the docs' own id is 404, not 400", async () => {
    for (const id of ['8927110dc66458af', 'ffffffffffffffff', '20000000000000', '0']) {
      const put = await c.admin.put(`${MEMBERS}/${id}?peer-addrs=https://10.7.2.1:7000`);
      expect(put.status, id).toBe(404);
      expect(put.body).toMatchObject({ code: 2 });
      expect((await c.admin.delete(`${MEMBERS}/${id}`)).status, id).toBe(404);
    }
    expect((await c.admin.delete(`${MEMBERS}/10000000000000000`)).status).toBe(400);
    expect((await c.admin.delete(`${MEMBERS}/xyz`)).status).toBe(400);
  });

  it('accepts `Authorization: Key <api key>` with a Roster API token as the key, on the Sensu Go surface only', async () => {
    const admin = client(rt.url, bearer(await accessToken(rt, 'admin', ADMIN.email)));
    const made = await admin.post('/api/v1/users/me/api-tokens', { name: 'sensuctl' });
    expect(made.status).toBe(201);
    const key = client(rt.url, { authorization: `Key ${made.body.result.token}` });
    const list = await key.get(MEMBERS);
    expect(list.status).toBe(200);
    expect(list.body.members.length).toBeGreaterThan(0);
    expect((await key.get('/api/v1/cluster/members')).status).toBe(401);
    expect((await client(rt.url, { authorization: 'Key roster_nope_nope' }).get(MEMBERS)).status).toBe(401);
    expect((await admin.delete(`/api/v1/users/me/api-tokens/${made.body.result.id}`)).status).toBe(200);
    expect((await key.get(MEMBERS)).status).toBe(401);
  });
});
