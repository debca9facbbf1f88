import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { clusterClients } from '../support/cluster';
import { startRuntime, type Runtime } from '../support/runtime';

let rt: Runtime;
let c: Awaited<ReturnType<typeof clusterClients>>;

beforeAll(async () => {
  rt = await startRuntime();
  c = await clusterClients(rt);
});
afterAll(() => rt?.stop());

describe('join tokens', () => {
  it('mints a join+jwt HS256 token bound to the node id and the cluster, without lcp before a leader exists', async () => {
    const res = await c.admin.post('/api/v1/cluster/pki/join-tokens', { nodeID: 1, ttlSeconds: 600 });
    expect(res.status).toBe(201);
    const { token, expiresAt } = res.body.result;
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'HS256', typ: 'join+jwt' });
    const claims = decodeJwt(token);
    const status = await c.anonymous.get('/api/v1/status');
    expect(claims).toMatchObject({ sub: '1', cid: Number(status.body.result.cluster.clusterId) });
    expect(typeof claims.jti).toBe('string');
    expect(claims.lcp).toBeUndefined();
    expect(claims.exp! - claims.iat!).toBe(600);
    expect(expiresAt).toBe(claims.exp);
  });

  it('refuses a ttl outside 300..86400, and minting by anyone but an admin', async () => {
    for (const ttlSeconds of [299, 86_401, 1.5])
      expect((await c.admin.post('/api/v1/cluster/pki/join-tokens', { nodeID: 1, ttlSeconds })).status).toBe(400);
    expect((await c.admin.post('/api/v1/cluster/pki/join-tokens', { nodeID: 1, extra: 1 })).status).toBe(400);
    expect((await c.operator.post('/api/v1/cluster/pki/join-tokens', { nodeID: 1 })).status).toBe(403);
    expect((await c.anonymous.post('/api/v1/cluster/pki/join-tokens', { nodeID: 1 })).status).toBe(401);
  });
});

describe('join', () => {
  it('makes the first member a voter and the leader with term 1, and later ones nonvoters pinned to it', async () => {
    const first = await c.join(1);
    expect(first.answer).toMatchObject({ nodeId: 1, suffrage: 'voter', leaderNodeId: 1 });
    expect(first.answer.nodeToken).toMatch(/^rnode_1_/);
    expect(first.answer.pins).toEqual([first.answer.leaderFingerprint]);
    const status = await c.anonymous.get('/api/v1/status');
    expect(status.body.result.cluster).toMatchObject({ leaderNodeId: 1, raftTerm: 1, clusterId: String(first.answer.clusterId) });

    const token = await c.mint(2);
    const lcp = (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { lcp: string }).lcp;
    expect(lcp).toBe(first.answer.leaderFingerprint);
    const res = await c.anonymous.post('/api/v1/cluster/join', c.joinBody(token, 2));
    expect(res.status).toBe(201);
    expect(res.body.result).toMatchObject({ nodeId: 2, suffrage: 'nonvoter', leaderNodeId: 1, leaderFingerprint: lcp });
    // The voters are pinned (node 1 alone), not every member: a nonvoter's own fingerprint is not among them.
    expect(res.body.result.pins).toEqual([first.answer.leaderFingerprint]);
  });

  it('answers 401 for a used, forged or foreign token, and 409 for a node id that is already a member', async () => {
    const token = await c.mint(3);
    expect((await c.anonymous.post('/api/v1/cluster/join', c.joinBody(token, 3))).status).toBe(201);
    expect((await c.anonymous.post('/api/v1/cluster/join', c.joinBody(token, 3))).status).toBe(401);
    expect((await c.anonymous.post('/api/v1/cluster/join', c.joinBody(`${token}x`, 3))).status).toBe(401);
    expect((await c.anonymous.post('/api/v1/cluster/join', c.joinBody('not.a.token', 3))).status).toBe(401);
    const again = await c.anonymous.post('/api/v1/cluster/join', c.joinBody(await c.mint(3), 3));
    expect(again.status).toBe(409);
    expect(again.body.error).toMatch(/already a cluster member/);
  });

  it('answers a retry with the same Idempotency-Key with 201 for the same member and a fresh credential', async () => {
    const token = await c.mint(4);
    const body = c.joinBody(token, 4);
    const key = { 'idempotency-key': 'join-4-attempt' };
    const first = await c.anonymous.post('/api/v1/cluster/join', body, key);
    expect(first.status).toBe(201);
    const retry = await c.anonymous.post('/api/v1/cluster/join', body, key);
    expect(retry.status).toBe(201);
    expect(retry.body.result.nodeId).toBe(4);
    expect(retry.body.result.nodeToken).not.toBe(first.body.result.nodeToken);
    expect((await c.anonymous.post('/api/v1/cluster/join', body, { 'idempotency-key': 'another' })).status).toBe(401);
    expect((await c.anonymous.post('/api/v1/cluster/join', body)).status).toBe(401);
    // The new credential works, the old one no longer does; and there is exactly one member 4.
    const beatOld = await c.anonymous.post('/api/v1/cluster/members/4/heartbeat', undefined, {
      authorization: `Bearer ${first.body.result.nodeToken}`,
    });
    expect(beatOld.status).toBe(401);
    const beatNew = await c.anonymous.post('/api/v1/cluster/members/4/heartbeat', undefined, {
      authorization: `Bearer ${retry.body.result.nodeToken}`,
    });
    expect(beatNew.status).toBe(200);
    const list = await c.readonly.get('/api/v1/cluster/members');
    expect(list.body.result.filter((m: { nodeId: number }) => m.nodeId === 4)).toHaveLength(1);
  });
});
