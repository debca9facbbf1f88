import { ThrottlingException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { watcherPass } from '../../lib/autopilot/watcher';
import { memberToItem } from '../../lib/cluster/member';
import { keys } from '../../lib/store/keys';
import { answerMemberQueries, memberAt } from '../support/member';

/**
 * Faults DynamoDB Local will not produce on demand: a transaction conflict in the middle of
 * a pass, and a store that keeps throttling. The conditions themselves run against the
 * emulator (test/integration/autopilot-*.test.ts).
 */

const ddb = mockClient(DynamoDBDocumentClient);
afterEach(() => ddb.reset());

const NOW = 1_800_000_000_000;
const S = 1000;
const settings = {
  lastContactThresholdSeconds: 10,
  serverStabilizationSeconds: 10,
  cleanupDeadServers: true,
  deadServerSeconds: 30,
  minQuorum: 1,
};
const meta = {
  ...keys.clusterMeta(),
  clusterId: 7,
  leaderNodeId: 1,
  leaderExpiresAt: NOW + 10 * S,
  raftTerm: 3,
  memberCount: 4,
  voterCount: 3,
};
const members = [
  memberAt(1, NOW - 600 * S, { suffrage: 'voter', lastHeartbeatAt: NOW }),
  memberAt(2, NOW - 600 * S, { suffrage: 'voter', lastHeartbeatAt: NOW }),
  memberAt(3, NOW - 600 * S, { suffrage: 'voter', lastHeartbeatAt: NOW - 100 * S, healthy: false, stableSince: NOW - 90 * S }),
  memberAt(4, NOW - 600 * S, { lastHeartbeatAt: NOW }),
].map((m) => memberToItem(m));

const conflict = () =>
  new TransactionCanceledException({
    message: 'cancelled',
    $metadata: {},
    CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }, { Code: 'None' }],
  });

describe('a watcher pass under store faults', () => {
  it('skips a promotion that lost to a concurrent transaction and goes on to remove the dead server', async () => {
    ddb.on(GetCommand).resolves({ Item: meta });
    answerMemberQueries(ddb, members); // and the removed member holds no lease (the index Query answers none)
    ddb.on(TransactWriteCommand).rejectsOnce(conflict()).resolves({});
    const report = await watcherPass(NOW, 'req-1', settings);
    expect(report.promoted).toEqual([]);
    expect(report.skipped).toEqual([{ nodeId: 4, step: 'promote', reason: 'The request conflicted with a concurrent change; retry it' }]);
    expect(report.removed).toEqual([3]);
    const removal = ddb.commandCalls(TransactWriteCommand)[1]!.args[0].input.TransactItems!;
    expect(removal[0]!.Delete!.Key).toEqual(keys.member(3));
    expect(removal[1]!.Update!.ExpressionAttributeValues).toMatchObject({ ':voterCount': 3 });
  });

  it('fails the whole pass when the store keeps throttling, so the next one starts afresh', async () => {
    ddb.on(GetCommand).resolves({ Item: meta });
    answerMemberQueries(ddb, members);
    ddb.on(TransactWriteCommand).rejects(new ThrottlingException({ message: 'slow down', $metadata: {} }));
    await expect(watcherPass(NOW, 'req-2', settings)).rejects.toThrow('slow down');
  });
});
