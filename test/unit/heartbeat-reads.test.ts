import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { heartbeat } from '../../lib/cluster/heartbeat';
import { memberToItem } from '../../lib/cluster/member';
import { keys } from '../../lib/store/keys';
import { memberAt } from '../support/member';

/**
 * When a heartbeat reads the cluster item: a container without a fresh copy reads it beside
 * the heartbeat's write, not after it (one round trip instead of two); an invalid credential
 * never mints the item, and within the reuse window its read is not made again. Which calls
 * are in flight at once is what the emulator cannot show: the write's answer is held back here.
 */

const ddb = mockClient(DynamoDBDocumentClient);
const META = { ...keys.clusterMeta(), clusterId: 7, leaderNodeId: 1, leaderExpiresAt: 0, raftTerm: 4, memberCount: 2, voterCount: 1 };
const caller = { nodeId: 2, credentialHash: 'mine' };

/** Each test starts past the previous one's reuse window (Date only: the SDK's timers stay real). */
let clock = Date.now();
beforeEach(() => {
  ddb.reset();
  clock += 60_000;
  vi.useFakeTimers({ toFake: ['Date'], now: clock });
});
afterAll(() => vi.useRealTimers());

const tick = () => new Promise((resolve) => setImmediate(resolve));
/** The heartbeat's condition failed with no member image: no member holds this credential. */
const invalid = () => new ConditionalCheckFailedException({ message: 'failed', $metadata: {} });

describe('the reads of a heartbeat', () => {
  it('reads the cluster item beside its write when the container has no fresh copy', async () => {
    let answer = (_: object) => {};
    ddb.on(UpdateCommand).callsFake(() => new Promise((resolve) => (answer = resolve)));
    ddb.on(GetCommand).resolves({ Item: META });
    const beat = heartbeat({ nodeId: 2, caller, requestId: 'r1' });
    await tick();
    expect(ddb.commandCalls(GetCommand).map((c) => c.args[0].input.Key)).toEqual([keys.clusterMeta()]);
    answer({ Attributes: memberToItem(memberAt(2, clock)) });
    expect(await beat).toMatchObject({ isLeader: false, leaderNodeId: 1, raftTerm: 4, suffrage: 'nonvoter' });
    expect(ddb.commandCalls(GetCommand)).toHaveLength(1);
  });

  it('never mints the cluster item for an invalid credential', async () => {
    ddb.on(UpdateCommand).rejects(invalid());
    ddb.on(GetCommand).resolves({});
    await expect(heartbeat({ nodeId: 2, caller, requestId: 'r2' })).rejects.toMatchObject({ statusCode: 401 });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('reads the cluster item for invalid credentials at most once a reuse window', async () => {
    ddb.on(UpdateCommand).rejects(invalid());
    ddb.on(GetCommand).resolves({ Item: META });
    for (let i = 0; i < 3; i++)
      await expect(heartbeat({ nodeId: 2, caller, requestId: `r${i}` })).rejects.toMatchObject({ statusCode: 401 });
    expect(ddb.commandCalls(GetCommand)).toHaveLength(1);
  });
});
