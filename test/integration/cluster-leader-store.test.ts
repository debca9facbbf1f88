import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { Member } from '../../lib/cluster/member';
import { createLocalTable } from '../support/table';

// The cluster code reads its table and settings from the environment at import, as on Lambda.
process.env.DYNAMODB_ENDPOINT = inject('dynamodbEndpoint');
process.env.TABLE_NAME = `leader-${randomBytes(4).toString('hex')}`;
process.env.LEADER_LEASE_SECONDS = '5';
process.env.AUTOPILOT_LAST_CONTACT_THRESHOLD_SECONDS = '10';
const { documents, TABLE } = await import('../../lib/store/client');
const { keys } = await import('../../lib/store/keys');
const { memberToItem } = await import('../../lib/cluster/member');
const { ensureClusterMeta, pinAttribute } = await import('../../lib/cluster/meta');
const { electLeader, transferLeadership, abdicate } = await import('../../lib/cluster/leader');
const { PutCommand, UpdateCommand, QueryCommand } = await import('@aws-sdk/lib-dynamodb');

const voters = new Set<number>();
/** A member as the member store leaves it: a voter counted in voterCount and pinned on the cluster item, a nonvoter neither. */
async function put(nodeId: number, heartbeatAgo: number, over: Partial<Member> = {}) {
  const member = {
    nodeId,
    raftAddress: 'a:1',
    apiAddress: 'a:2',
    binaryVersion: 'v1',
    certFingerprint: `fp${nodeId}`,
    suffrage: 'voter',
    drainState: 'active',
    drainEpoch: 0,
    lastHeartbeatAt: Date.now() - heartbeatAgo,
    joinedAt: Date.now(),
    createdAt: Date.now(),
    origin: 'join',
    peerURLs: [],
    clientURLs: [],
    ...over,
  } as Member;
  await documents.send(new PutCommand({ TableName: TABLE, Item: memberToItem(member) }));
  const voter = member.suffrage === 'voter';
  if (voter) voters.add(nodeId);
  else voters.delete(nodeId);
  await documents.send(
    new UpdateCommand({
      TableName: TABLE,
      Key: keys.clusterMeta(),
      UpdateExpression: voter ? 'SET voterCount = :n, #pin = :fp' : 'SET voterCount = :n REMOVE #pin',
      ExpressionAttributeNames: { '#pin': pinAttribute(nodeId) },
      ExpressionAttributeValues: { ':n': voters.size, ...(voter ? { ':fp': member.certFingerprint } : {}) },
    }),
  );
}
const setLease = (leaderNodeId: number, leaderExpiresAt: number) =>
  documents.send(
    new UpdateCommand({
      TableName: TABLE,
      Key: keys.clusterMeta(),
      UpdateExpression: 'SET leaderNodeId = :l, leaderExpiresAt = :e',
      ExpressionAttributeValues: { ':l': leaderNodeId, ':e': leaderExpiresAt },
    }),
  );

beforeAll(async () => {
  await createLocalTable(process.env.TABLE_NAME!);
  await ensureClusterMeta();
});

describe('the leader lease on the cluster item', () => {
  it('elects nobody while no active voter is alive, and never a draining, drained or nonvoting member', async () => {
    const now = Date.now();
    await put(1, 0, { drainState: 'draining', drainDeadline: now + 60_000, drainUpdatedAt: now } as Partial<Member>);
    await put(2, 0, { drainState: 'drained', drainUpdatedAt: now } as Partial<Member>);
    await put(3, 0, { suffrage: 'nonvoter' });
    await put(4, 60_000);
    expect(await electLeader(Date.now())).toEqual({ kind: 'none' });
    expect((await ensureClusterMeta(true)).leaderNodeId).toBe(0);
  });

  it('gives a lapsed lease to the healthiest active voter with a raised term, and leaves a held one alone', async () => {
    await put(5, 2_000);
    await put(6, 100);
    const before = (await ensureClusterMeta(true)).raftTerm;
    const elected = await electLeader(Date.now());
    expect(elected).toEqual({ kind: 'elected', leaderNodeId: 6, raftTerm: before + 1 });
    const meta = await ensureClusterMeta(true);
    expect(meta).toMatchObject({ leaderNodeId: 6, raftTerm: before + 1, leaderFingerprint: 'fp6' });
    expect(await electLeader(Date.now())).toMatchObject({ kind: 'held', meta: { leaderNodeId: 6 } });
  });

  it('elects exactly once per term when many elections race', async () => {
    await setLease(6, Date.now() - 1);
    const before = (await ensureClusterMeta(true)).raftTerm;
    const results = await Promise.all(Array.from({ length: 20 }, () => electLeader(Date.now())));
    const wins = results.filter((r) => r.kind === 'elected');
    expect(wins).toHaveLength(1);
    expect(wins[0]).toMatchObject({ raftTerm: before + 1 });
    expect((await ensureClusterMeta(true)).raftTerm).toBe(before + 1);
  });

  it('transfers to the healthiest other active voter, or reports that there is none', async () => {
    const meta = await ensureClusterMeta(true);
    expect(await transferLeadership(5, Date.now())).toMatchObject({ kind: 'not-leader' });
    const moved = await transferLeadership(meta.leaderNodeId, Date.now());
    expect(moved).toEqual({ kind: 'transferred', leaderNodeId: meta.leaderNodeId === 6 ? 5 : 6, raftTerm: meta.raftTerm + 1 });
    await put(meta.leaderNodeId, 60_000); // the previous leader falls silent: the new one has no healthy peer
    expect(await transferLeadership(moved.kind === 'transferred' ? moved.leaderNodeId : 0, Date.now())).toEqual({ kind: 'no-candidate' });
  });

  it('abdicates only its own lease; the next election raises the term', async () => {
    const meta = await ensureClusterMeta(true);
    expect(await abdicate(meta.leaderNodeId + 100)).toEqual({ kind: 'moved' });
    expect(await abdicate(meta.leaderNodeId)).toEqual({ kind: 'done' });
    expect(await ensureClusterMeta(true)).toMatchObject({ leaderNodeId: 0, raftTerm: meta.raftTerm });
    expect(await electLeader(Date.now())).toMatchObject({ kind: 'elected', raftTerm: meta.raftTerm + 1 });
  });

  it('decides on every member where the cluster item does not pin every voter (an item from before the pins)', async () => {
    await put(5, 2_000);
    await put(6, 0);
    const meta = await ensureClusterMeta(true);
    await abdicate(meta.leaderNodeId);
    // The healthiest voter's pin is missing: read by the pins alone, node 6 could not be elected.
    await documents.send(new UpdateCommand({ TableName: TABLE, Key: keys.clusterMeta(), UpdateExpression: `REMOVE ${pinAttribute(6)}` }));
    expect(await electLeader(Date.now())).toMatchObject({ kind: 'elected', leaderNodeId: 6 });
  });

  it('leaves an audit entry for every change of leader', async () => {
    const day = new Date().toISOString().slice(0, 10);
    const { Items = [] } = await documents.send(
      new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': `AUDIT#${day}` } }),
    );
    const actions = Items.map((i) => i.action);
    expect(actions).toContain('leader.elect');
    expect(actions).toContain('leader.transfer');
    expect(Items[0]).toMatchObject({ actor: 'system', target: expect.stringMatching(/^member:/), requestId: expect.any(String) });
    expect(Items[0]!.expiresAt).toBeGreaterThan(Date.now() / 1000 + 89 * 86_400);
  });
});
