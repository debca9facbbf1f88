import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { moveLeaseToShard } from '../leases/lease-move-store';
import type { Logger } from '../log';
import { documents, TABLE } from '../store/client';
import { keys } from '../store/keys';

/**
 * The move of the leases from their one partition (`LEASES`, `LEASE#<name>`; the held-lease
 * index in one `HELD` partition) to their shards (`LEASES#<hash(name) mod N>`, the index at
 * `HELD#<holder mod N>`, lib/store/keys.ts). Idempotent: each lease moves whole in one
 * transaction (its copy created, the old item deleted only as it was read), so a lease
 * renewed meanwhile moves with its newest state and fencing token, and one already moved is
 * no longer there to move. Resumable: the Query's position is recorded after each page; a run
 * that stops between a page's moves and that record reads the page again, without the
 * leases it moved. Range pointers (`RANGE#id` → name) need nothing: they name the lease, and
 * the name finds its shard. Run right after deploying the code that reads the shards: until a
 * lease has moved, that code does not see it (a renewal is 404, an acquire 409 until it moves).
 */
const progressKey = { PK: 'MIGRATION', SK: 'leases-sharded' };

export interface LeaseShardingReport {
  done: boolean;
  /** Leases moved to their shard. */
  moved: number;
}

type Item = Record<string, unknown>;

export async function shardLeases(log: Logger, deadline: number, pageSize: number): Promise<LeaseShardingReport> {
  const { Item: saved } = await documents.send(new GetCommand({ TableName: TABLE, Key: progressKey, ConsistentRead: true }));
  const report: LeaseShardingReport = (saved?.report as LeaseShardingReport | undefined) ?? { done: false, moved: 0 };
  if (report.done) return report;
  let start = saved?.lastKey as Item | undefined;
  while (Date.now() < deadline) {
    const page = await documents.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.legacyLeasesPartition, ':prefix': keys.leasePrefix },
        ConsistentRead: true,
        Limit: pageSize,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) if ((await moveLeaseToShard(item)).kind === 'moved') report.moved++;
    start = page.LastEvaluatedKey;
    if (!start) report.done = true;
    await documents.send(new PutCommand({ TableName: TABLE, Item: { ...progressKey, report, ...(start ? { lastKey: start } : {}) } }));
    log.info('migration page', { step: 'leases-sharded', moved: report.moved, done: report.done });
    if (report.done) break;
  }
  return report;
}
