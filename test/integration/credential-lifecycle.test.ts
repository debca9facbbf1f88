import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../agent';
import { bearer } from '../support/auth';
import { clusterClients } from '../support/cluster';
import { client } from '../support/http';
import { startRuntime, type Runtime } from '../support/runtime';

let rt: Runtime;
let c: Awaited<ReturnType<typeof clusterClients>>;
const dir = mkdtempSync(join(tmpdir(), 'roster-credentials-'));

beforeAll(async () => {
  rt = await startRuntime();
  c = await clusterClients(rt);
  await c.join(1);
});
afterAll(async () => {
  await rt?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The audit entries of `action` of today and yesterday (a run may span midnight, UTC), read straight from the runtime's table. */
async function audited(action: string): Promise<Record<string, unknown>[]> {
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: rt.env.DYNAMODB_ENDPOINT, region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
  );
  const days = [0, 1].map((d) => new Date(Date.now() - d * 86_400_000).toISOString().slice(0, 10));
  const pages = await Promise.all(
    days.map((day) =>
      db.send(
        new QueryCommand({
          TableName: rt.env.TABLE_NAME,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': `AUDIT#${day}` },
          ConsistentRead: true,
        }),
      ),
    ),
  );
  db.destroy();
  return pages.flatMap((p) => p.Items ?? []).filter((i) => i.action === action);
}

const jtiOf = (token: string): string => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).jti;

describe('join tokens have a lifecycle', () => {
  it('lists the unused ones by id, without the tokens, and not the used ones', async () => {
    const unused = await c.mint(20);
    const used = await c.mint(21);
    expect((await c.anonymous.post('/api/v1/cluster/join', c.joinBody(used, 21))).status).toBe(201);
    const res = await c.admin.get('/api/v1/cluster/pki/join-tokens');
    expect(res.status).toBe(200);
    const ids = res.body.result.map((t: { id: string }) => t.id);
    expect(ids).toContain(jtiOf(unused));
    expect(ids).not.toContain(jtiOf(used));
    const listed = res.body.result.find((t: { id: string }) => t.id === jtiOf(unused));
    expect(listed).toEqual({ id: jtiOf(unused), nodeID: 20, expiresAt: expect.any(Number), createdBy: 'user:admin@roster.test' });
    expect(res.text).not.toContain(unused);
  });

  it('a revoked token can no longer join, and is gone from the list', async () => {
    const token = await c.mint(22);
    const del = await c.admin.delete(`/api/v1/cluster/pki/join-tokens/${jtiOf(token)}`);
    expect(del.status).toBe(204);
    const join = await c.anonymous.post('/api/v1/cluster/join', c.joinBody(token, 22));
    expect(join.status).toBe(401);
    expect((await c.admin.get('/api/v1/cluster/members/22')).status).toBe(404);
    const ids = (await c.admin.get('/api/v1/cluster/pki/join-tokens')).body.result.map((t: { id: string }) => t.id);
    expect(ids).not.toContain(jtiOf(token));
    // Revoked once: a second revocation, or one of a used token, finds nothing to revoke.
    expect((await c.admin.delete(`/api/v1/cluster/pki/join-tokens/${jtiOf(token)}`)).status).toBe(404);
    const used = await c.mint(23);
    expect((await c.anonymous.post('/api/v1/cluster/join', c.joinBody(used, 23))).status).toBe(201);
    expect((await c.admin.delete(`/api/v1/cluster/pki/join-tokens/${jtiOf(used)}`)).status).toBe(404);
    // One entry: the failed revocations wrote none.
    const entries = await audited('join-token.revoke');
    expect(entries.filter((e) => e.target === `join-token:${jtiOf(token)}`)).toHaveLength(1);
    expect(entries.filter((e) => e.target === `join-token:${jtiOf(used)}`)).toHaveLength(0);
  });

  it('only an admin lists or revokes, and a malformed id is 400', async () => {
    const token = await c.mint(24);
    expect((await c.operator.get('/api/v1/cluster/pki/join-tokens')).status).toBe(403);
    expect((await c.operator.delete(`/api/v1/cluster/pki/join-tokens/${jtiOf(token)}`)).status).toBe(403);
    expect((await c.admin.delete('/api/v1/cluster/pki/join-tokens/not-a-uuid')).status).toBe(400);
  });
});

describe('node credentials rotate', () => {
  it("an admin's rotation stops the old credential at once and the new one works", async () => {
    const { answer, node } = await c.join(30);
    expect((await c.beat(node, 30)).status).toBe(200);
    const res = await c.admin.post('/api/v1/cluster/members/30/credential');
    expect(res.status).toBe(200);
    expect(res.body.result).toMatchObject({ nodeId: 30, nodeToken: expect.stringMatching(/^rnode_30_/) });
    expect(res.body.result.nodeToken).not.toBe(answer.nodeToken);
    expect((await c.beat(node, 30)).status).toBe(401);
    expect((await node.get('/api/v1/cluster/members/30')).status).toBe(401);
    expect((await c.beat(client(rt.url, bearer(res.body.result.nodeToken)), 30)).status).toBe(200);
    const entries = (await audited('member.credential.rotate')).filter((e) => e.target === 'member:30');
    expect(entries).toEqual([
      expect.objectContaining({ actor: 'user:admin@roster.test', details: { credentialId: res.body.result.credentialId } }),
    ]);
  });

  it('a node rotates its own, only its own, and only with its current credential', async () => {
    const { answer, node } = await c.join(31);
    const other = await c.join(32);
    expect((await node.post('/api/v1/cluster/members/32/credential')).status).toBe(403);
    expect((await c.beat(other.node, 32)).status).toBe(200);
    const res = await node.post('/api/v1/cluster/members/31/credential');
    expect(res.status).toBe(200);
    // The old credential cannot rotate again (nor do anything else).
    expect((await node.post('/api/v1/cluster/members/31/credential')).status).toBe(401);
    expect(res.body.result.nodeToken).not.toBe(answer.nodeToken);
    expect((await c.beat(client(rt.url, bearer(res.body.result.nodeToken)), 31)).status).toBe(200);
    expect((await audited('member.credential.rotate')).filter((e) => e.target === 'member:31').map((e) => e.actor)).toEqual(['node:31']);
  });

  it('is 404 for no member, 403 for an operator', async () => {
    expect((await c.admin.post('/api/v1/cluster/members/999/credential')).status).toBe(404);
    expect((await c.operator.post('/api/v1/cluster/members/1/credential')).status).toBe(403);
  });

  it('agent.rotateCredential releases its leases, rewrites the state file and heartbeats with the new credential', async () => {
    const stateFile = join(dir, 'node-40.json');
    const agent = await Agent.start({
      url: rt.url,
      joinToken: await c.mint(40),
      stateFile,
      raftAddress: '10.4.0.40:7000',
      apiAddress: '10.4.0.40:5002',
      binaryVersion: 'v1',
      certFingerprint: 'sha256:40',
    });
    try {
      const lease = await agent.acquire('rotation.lease', { ttlSeconds: 30 });
      const before = JSON.parse(readFileSync(stateFile, 'utf8')).nodeToken as string;
      await agent.rotateCredential();
      const after = JSON.parse(readFileSync(stateFile, 'utf8')).nodeToken as string;
      expect(after).not.toBe(before);
      expect((await c.beat(client(rt.url, bearer(before)), 40)).status).toBe(401);
      expect((await c.beat(client(rt.url, bearer(after)), 40)).status).toBe(200);
      expect((await agent.acquire('rotation.other', { ttlSeconds: 30 })).held).toBe(true);
      // Leases are bound to the credential they were taken under: released first, so another node takes it at once.
      expect(lease.held).toBe(false);
      const taker = await c.join(41);
      expect((await taker.node.put('/api/v1/leases/rotation.lease', { ttlSeconds: 30 })).status).toBe(200);
    } finally {
      await agent.stop();
    }
  });
});
