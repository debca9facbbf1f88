import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documents, TABLE } from '../store/client';
import { keys } from '../store/keys';
import { limiter, queryMergedPage } from '../store/parallel';
import { queryAll } from '../store/query';
import { fromItem, type Lease } from './lease';

/**
 * The lease reads: one lease, by name or range, a page of all of them, and what nodes hold.
 * Leases are sharded by name over LEASE_SHARDS partitions and the held-lease index by holder
 * (lib/store/keys.ts): a list reads the shards with parallel Queries (never a Scan) and
 * merges them, in name order, or holder and name order.
 */

export async function get(name: string, consistent = false): Promise<Lease | undefined> {
  const { Item } = await documents.send(new GetCommand({ TableName: TABLE, Key: keys.lease(name), ConsistentRead: consistent }));
  return Item ? fromItem(Item) : undefined;
}

export async function getByRange(rangeId: number): Promise<Lease | undefined> {
  const { Item } = await documents.send(new GetCommand({ TableName: TABLE, Key: keys.range(rangeId) }));
  return Item ? get(String(Item.name)) : undefined;
}

/** One page of all leases, by name, after the lease named `after`; `next` names the page's last when more may follow. */
export async function page(limit: number, after?: string): Promise<{ leases: Lease[]; next?: string }> {
  const { items, more } = await queryMergedPage({
    partitions: keys.leasePartitions,
    prefix: keys.leasePrefix,
    ...(after === undefined ? {} : { after: keys.lease(after).SK }),
    limit,
  });
  const leases = items.map(fromItem);
  return { leases, next: more && leases.length > 0 ? leases.at(-1)!.name : undefined };
}

/** Index shards read at once by one heldBy. */
const HELD_CONCURRENCY = 4;

/**
 * Unexpired leases held by nodes `from..to`, ordered by holder and name, from the held-lease
 * index: one Query stream per index shard the range touches (one for a single node, every
 * shard for a page of members), HELD_CONCURRENCY at a time (a read of every holder runs beside the
 * members' own parallel read). The index is eventually consistent.
 */
export async function heldBy(from: number, to: number, now: number): Promise<Lease[]> {
  const run = limiter(HELD_CONCURRENCY);
  const shards = await Promise.all(
    keys.heldPartitions(from, to).map((partition) =>
      run(() =>
        queryAll({
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :held AND GSI1SK BETWEEN :from AND :to',
          FilterExpression: 'leaseExpiresAt > :now',
          ExpressionAttributeValues: { ':held': partition, ':from': keys.heldByPrefix(from), ':to': keys.heldAfter(to), ':now': now },
        }),
      ),
    ),
  );
  const bySortKey = (a: Record<string, unknown>, b: Record<string, unknown>) => (String(a.GSI1SK) < String(b.GSI1SK) ? -1 : 1);
  return shards.flat().sort(bySortKey).map(fromItem);
}
