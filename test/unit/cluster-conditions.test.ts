import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { Member } from '../../lib/cluster/member';
import { redeem } from '../../lib/cluster/member-join-store';
import { recordHeartbeat } from '../../lib/cluster/member-state-store';
import { promote, remove, setPeerUrls } from '../../lib/cluster/member-store';
import { promotionError, removalError } from '../../lib/cluster/refusals';

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

describe('promote reads its failed condition', () => {
  it('asks for the old item on failure and tells a missing member apart (404)', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled({ Code: 'ConditionalCheckFailed' }));
    const outcome = await promote({ nodeId: 2, certFingerprint: 'fp2', now: NOW, audit });
    expect(outcome).toEqual({ kind: 'missing' });
    expect(promotionError(2, outcome as { kind: 'missing' })).toMatchObject({ statusCode: 404, message: 'Cluster member 2 not found' });
    const sent = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(sent[0]!.Update!.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
    expect(sent[2]!.Put!.Item).toMatchObject({ action: 'x', requestId: 'req-1' });
  });

  it('answers a member that is already a voter with its image, a 409', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled({ Code: 'ConditionalCheckFailed', item: { ...member, suffrage: 'voter' } }));
    const outcome = await promote({ nodeId: 2, certFingerprint: 'fp2', now: NOW, audit });
    expect(outcome).toMatchObject({ kind: 'moved', current: { nodeId: 2, suffrage: 'voter' } });
    expect(promotionError(2, outcome as { kind: 'moved'; current: Member })).toMatchObject({
      statusCode: 409,
      message: 'Cluster member 2 is already a voter',
    });
  });
});

describe('remove reads its failed conditions', () => {
  it('tells a member removed meanwhile (404)', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled({ Code: 'ConditionalCheckFailed' }));
    const outcome = await remove({ seen: member, force: false, now: NOW, audit });
    expect(outcome).toEqual({ kind: 'missing' });
    expect(removalError(2, false, outcome as { kind: 'missing' })).toMatchObject({ statusCode: 404 });
  });

  it('tells an undrained member without force (409)', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled({ Code: 'ConditionalCheckFailed', item: member }));
    const outcome = await remove({ seen: member, force: false, now: NOW, audit });
    expect(outcome).toMatchObject({ kind: 'moved', current: { drainState: 'active' } });
    expect(removalError(2, false, outcome as { kind: 'moved'; current: Member })).toMatchObject({
      statusCode: 409,
      message: /must be drained/,
    });
  });

  it('tells the leader, whom the cluster item names, even with force (409)', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled(undefined, { Code: 'ConditionalCheckFailed', item: { leaderNodeId: 2 } }));
    const outcome = await remove({ seen: member, force: true, now: NOW, audit });
    expect(outcome).toEqual({ kind: 'leader' });
    expect(removalError(2, true, { kind: 'leader' })).toMatchObject({ statusCode: 409, message: /is the leader/ });
    const sent = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(sent[0]!.Delete!.ConditionExpression).not.toMatch(/drainState/);
  });
});

describe('single-item writes read their failed conditions', () => {
  it('tells peer URLs for a member gone since it was read, and a URL another member holds', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled({ Code: 'ConditionalCheckFailed' }));
    const input = { seen: member, peerURLs: ['https://a:1'], now: NOW, audit };
    expect(await setPeerUrls(input)).toEqual({ kind: 'missing' });
    ddb
      .on(TransactWriteCommand)
      .rejects(cancelled({ Code: 'None' }, { Code: 'None' }, { Code: 'ConditionalCheckFailed', item: { nodeId: 7 } }));
    expect(await setPeerUrls(input)).toEqual({ kind: 'peer-url-taken', taken: { url: 'https://a:1', owner: 7 } });
  });

  it('refuses a heartbeat whose credential no longer matches, or whose member is gone', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed({ ...member, credentialHash: 'other' }));
    expect(await recordHeartbeat({ nodeId: 2, credentialHash: 'mine', now: NOW })).toEqual({ kind: 'invalid-credential' });
    ddb.on(UpdateCommand).rejects(conditionFailed());
    expect(await recordHeartbeat({ nodeId: 2, credentialHash: 'mine', now: NOW })).toEqual({ kind: 'invalid-credential' });
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
