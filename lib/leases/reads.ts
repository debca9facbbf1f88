import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documents, TABLE } from '../store/client';
import { keys, padId } from '../store/keys';
import { queryAll } from '../store/query';
import { fromItem, type Lease } from './lease';

/** The lease reads: one lease, by name or range, a page of all of them, and what nodes hold. */

export async function get(name: string, consistent = false): Promise<Lease | undefined> {
  const { Item } = await documents.send(new GetCommand({ TableName: TABLE, Key: keys.lease(name), ConsistentRead: consistent }));
  return Item ? fromItem(Item) : undefined;
}

export async function getByRange(rangeId: number): Promise<Lease | undefined> {
  const { Item } = await documents.send(new GetCommand({ TableName: TABLE, Key: keys.range(rangeId) }));
  return Item ? get(String(Item.name)) : undefined;
}

/** One page of all leases, by name. */
export async function page(limit: number, after?: string): Promise<{ leases: Lease[]; next?: string }> {
  const { Items = [], LastEvaluatedKey } = await documents.send(
    new QueryCommand({
      TableName: TABLE,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.leasesPartition, ':prefix': keys.leasePrefix },
      Limit: limit,
      ...(after ? { ExclusiveStartKey: keys.lease(after) } : {}),
    }),
  );
  return { leases: Items.map(fromItem), next: LastEvaluatedKey ? String(LastEvaluatedKey.SK).slice(keys.leasePrefix.length) : undefined };
}

/**
 * Unexpired leases held by nodes `from..to`, from the held-lease index (one Query stream,
 * however many members the range spans). The index is eventually consistent.
 */
export async function heldBy(from: number, to: number, now: number): Promise<Lease[]> {
  const items = await queryAll({
    IndexName: 'GSI1',
    KeyConditionExpression: 'GSI1PK = :held AND GSI1SK BETWEEN :from AND :to',
    FilterExpression: 'leaseExpiresAt > :now',
    ExpressionAttributeValues: { ':held': keys.heldPartition, ':from': keys.heldByPrefix(from), ':to': `${padId(to)}#\uffff`, ':now': now },
  });
  return items.map(fromItem);
}
