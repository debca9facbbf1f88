import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { redeem } from '../../lib/cluster/join-store';
import type { Member } from '../../lib/cluster/member';
import { promote, recordHeartbeat, remove, setPeerUrls } from '../../lib/cluster/repository';

const ddb = mockClient(DynamoDBDocumentClient);
afterEach(() => ddb.reset());

const NOW = 1_800_000_000_000;
const audit = { actor: 'user:a@b.c', action: 'x', target: 'member:2', requestId: 'req-1' };
const member: Member = {
  nodeId: 2,
  raftAddress: 'a:1',
  apiAddress: 'a:2',
  binaryVersion: 'v1',
  certFingerprint: 'fp',
  suffrage: 'nonvoter',
  drainState: 'active',
  drainEpoch: 0,
  lastHeartbeatAt: NOW,
  createdAt: NOW,
  origin: 'join',
  peerURLs: [],
  clientURLs: [],
};

/** A cancelled transaction whose items failed (or not) as given; `item` is the ALL_OLD image. */
const cancelled = (...reasons: ({ Code: string; item?: Record<string, unknown> } | undefined)[]) =>
  new TransactionCanceledException({
    message: 'cancelled',
    $metadata: {},
    CancellationReasons: reasons.map((r) => ({ Code: r?.Code ?? 'None', ...(r?.item ? { Item: marshall(r.item) } : {}) })),
  });

const conditionFailed = (item?: Record<string, unknown>) =>
  Object.assign(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }), item ? { Item: marshall(item) } : {});

describe('promote translates its failed condition', () => {
  it('asks for the old item on failure and 404s a missing member', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled({ Code: 'ConditionalCheckFailed' }));
    await expect(promote(2, NOW, audit)).rejects.toMatchObject({ statusCode: 404, message: 'Cluster member 2 not found' });
    const sent = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(sent[0]!.Update!.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
    expect(sent[2]!.Put!.Item).toMatchObject({ action: 'x', requestId: 'req-1' });
  });

  it('409s a member that is already a voter', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled({ Code: 'ConditionalCheckFailed', item: { ...member, suffrage: 'voter' } }));
    await expect(promote(2, NOW, audit)).rejects.toMatchObject({ statusCode: 409, message: 'Cluster member 2 is already a voter' });
  });
});

describe('remove translates its failed conditions', () => {
  it('404s a member removed meanwhile', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled({ Code: 'ConditionalCheckFailed' }));
    await expect(remove(member, false, NOW, audit)).rejects.toMatchObject({ statusCode: 404 });
  });

  it('409s an undrained member without force', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled({ Code: 'ConditionalCheckFailed', item: member }));
    await expect(remove(member, false, NOW, audit)).rejects.toMatchObject({ statusCode: 409, message: /must be drained/ });
  });

  it('409s the leader, whom the cluster item names, even with force', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled(undefined, { Code: 'ConditionalCheckFailed', item: { leaderNodeId: 2 } }));
    await expect(remove(member, true, NOW, audit)).rejects.toMatchObject({ statusCode: 409, message: /is the leader/ });
    const sent = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(sent[0]!.Delete!.ConditionExpression).not.toMatch(/drainState/);
  });
});

describe('single-item writes translate their failed conditions', () => {
  it('404s peer URLs for a member gone since it was read, and 409s a URL another member holds', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled({ Code: 'ConditionalCheckFailed' }));
    await expect(setPeerUrls(member, ['https://a:1'], NOW, audit)).rejects.toMatchObject({ statusCode: 404 });
    ddb
      .on(TransactWriteCommand)
      .rejects(cancelled({ Code: 'None' }, { Code: 'None' }, { Code: 'ConditionalCheckFailed', item: { nodeId: 7 } }));
    await expect(setPeerUrls(member, ['https://a:1'], NOW, audit)).rejects.toMatchObject({ statusCode: 409, message: /member 7/ });
  });

  it('401s a heartbeat whose credential no longer matches, or whose member is gone', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed({ ...member, credentialHash: 'other' }));
    await expect(recordHeartbeat(2, 'mine', NOW)).rejects.toMatchObject({ statusCode: 401 });
    ddb.on(UpdateCommand).rejects(conditionFailed());
    await expect(recordHeartbeat(2, 'mine', NOW)).rejects.toMatchObject({ statusCode: 401 });
  });
});

describe('redeem reads the outcome from the cancellation reasons', () => {
  const redemption = {
    jti: 'j1',
    member,
    credential: { token: 't', hash: 'h', credentialId: 'c' },
    claim: undefined,
    lead: undefined,
    now: NOW,
    audit,
  };

  it('reports a used token with its record, for an idempotent retry', async () => {
    const record = { jti: 'j1', nodeId: 2, expiresAt: NOW / 1000 + 60, consumedAt: NOW - 5, idempotencyKeyHash: 'k' };
    ddb.on(TransactWriteCommand).rejects(cancelled({ Code: 'ConditionalCheckFailed', item: record }));
    expect(await redeem(redemption)).toEqual({ kind: 'token-used', record });
    expect(ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.ClientRequestToken).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reports an existing member as such, and a contended transaction as contended', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled(undefined, { Code: 'ConditionalCheckFailed', item: { ...member, joinedAt: NOW } }));
    expect(await redeem(redemption)).toEqual({ kind: 'already-member' });
    ddb.on(TransactWriteCommand).rejects(cancelled({ Code: 'TransactionConflict' }));
    expect(await redeem(redemption)).toEqual({ kind: 'contended' });
  });
});
