import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { moveToShard } from '../cluster/member-move-store';
import { listMembers } from '../cluster/member-reads';
import { pinAttribute } from '../cluster/meta';
import type { Logger } from '../log';
import { documents, TABLE } from '../store/client';
import { conditionFailure } from '../store/conditions';
import { keys } from '../store/keys';

/**
 * The move of the members from the cluster partition (`CLUSTER`, `MEMBER#<id>`) to their
 * shards (`MEMBERS#<id mod N>`, lib/store/keys.ts), then the voters' pins written on the
 * cluster item. Idempotent: each member moves in one transaction (its copy created, the
 * old item deleted), and a member already at its shard's key (written there since) keeps
 * that one; pins are only added where missing. Resumable: the Query's position is recorded
 * after each page. Run right after deploying the code that reads the shards: until a member
 * has moved, that code does not see it (its heartbeats are 401).
 */
const progressKey = { PK: 'MIGRATION', SK: 'members-sharded' };

export interface ShardingReport {
  done: boolean;
  /** Members moved to their shard. */
  moved: number;
  /** Voters' pins written on the cluster item. */
  pinned: number;
}

type Item = Record<string, unknown>;

export async function shardMembers(log: Logger, deadline: number, pageSize: number): Promise<ShardingReport> {
  const { Item: saved } = await documents.send(new GetCommand({ TableName: TABLE, Key: progressKey, ConsistentRead: true }));
  const report: ShardingReport = (saved?.report as ShardingReport | undefined) ?? { done: false, moved: 0, pinned: 0 };
  if (report.done) return report;
  let start = saved?.lastKey as Item | undefined;
  const legacy = keys.legacyMemberKeyspace;
  while (Date.now() < deadline) {
    const page = await documents.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :lo AND :hi',
        ExpressionAttributeValues: { ':pk': legacy.partition, ':lo': legacy.sk(legacy.low), ':hi': legacy.sk(legacy.high) },
        ConsistentRead: true,
        Limit: pageSize,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) if ((await moveToShard(item)).kind === 'moved') report.moved++;
    start = page.LastEvaluatedKey;
    if (!start) {
      report.pinned = await pinVoters();
      report.done = true;
    }
    await documents.send(new PutCommand({ TableName: TABLE, Item: { ...progressKey, report, ...(start ? { lastKey: start } : {}) } }));
    log.info('migration page', { step: 'members-sharded', moved: report.moved, done: report.done });
    if (report.done) break;
  }
  return report;
}

/** Every voter's pin on the cluster item, where it has none: what a join answers as `pins`. */
async function pinVoters(): Promise<number> {
  let pinned = 0;
  for (const voter of (await listMembers(true)).filter((m) => m.suffrage === 'voter')) {
    try {
      await documents.send(
        new UpdateCommand({
          TableName: TABLE,
          Key: keys.clusterMeta(),
          UpdateExpression: 'SET #pin = :fp',
          // Only a missing pin: one the membership transactions wrote is current. Never creates the cluster item.
          ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(#pin)',
          ExpressionAttributeNames: { '#pin': pinAttribute(voter.nodeId) },
          ExpressionAttributeValues: { ':fp': voter.certFingerprint },
        }),
      );
      pinned++;
    } catch (err) {
      if (!conditionFailure(err)) throw err;
    }
  }
  return pinned;
}
