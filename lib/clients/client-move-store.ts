import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documents, TABLE } from '../store/client';
import type { Item } from '../store/conditions';
import { keys } from '../store/keys';
import { moveItem, type ItemMove } from '../store/move';

/**
 * The client store's migration half (see ./client-store.ts): client items and tombstones
 * written before the clients were sharded (one partition per namespace, `CLIENTS#<namespace>`,
 * and one index partition, GSI1 `CLIENTS`) moved to their shards' keys, for
 * lib/system/migrate-clients.ts. Nothing else reads the legacy keys.
 */

/**
 * What became of one legacy item: moved by this call; stale (the shard already had the client,
 * written there since by the new code, so the old copy was dropped); gone (another run moved
 * it); or changed since it was read (an old copy of the code kept it alive or registered it
 * again meanwhile): `current` is its image now, to move instead.
 */
export type ClientMove = ItemMove;

/** The namespace after `after` (from the first without it) that still has a live client at its legacy keys, or undefined. */
export async function nextLegacyNamespace(after: string | undefined): Promise<string | undefined> {
  const { Items } = await documents.send(
    new QueryCommand({
      TableName: TABLE,
      IndexName: 'GSI1',
      KeyConditionExpression: after === undefined ? 'GSI1PK = :pk' : 'GSI1PK = :pk AND GSI1SK > :after',
      ExpressionAttributeValues: {
        ':pk': keys.legacyClientIndexPartition,
        ...(after === undefined ? {} : { ':after': keys.legacyClientNamespacesAfter(after) }),
      },
      Limit: 1,
    }),
  );
  const first = Items?.[0];
  return first ? String(first.namespace) : undefined;
}

/** Up to `limit` items (clients and tombstones) of a namespace's legacy partition, from its start (moved ones are gone from it). */
export async function legacyClients(namespace: string, limit: number): Promise<{ items: Item[]; more: boolean }> {
  const out = await documents.send(
    new QueryCommand({
      TableName: TABLE,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.legacyClientsOf(namespace) },
      ConsistentRead: true,
      Limit: limit,
    }),
  );
  return { items: out.Items ?? [], more: out.LastEvaluatedKey !== undefined };
}

/** One legacy item (as read) to its shard, in one transaction: created there, deleted here, only if unchanged since read. */
export async function moveToShard(item: Item): Promise<ClientMove> {
  const namespace = String(item.namespace);
  const name = String(item.name);
  const live = item.clientJson !== undefined;
  const { GSI1PK: _pk, GSI1SK: _sk, ...rest } = item;
  const moved = { ...rest, ...keys.client(namespace, name), ...(live ? keys.clientIndex(namespace, name) : {}) };
  const legacy = { PK: item.PK, SK: item.SK };
  // Only as read: a keepalive or registration since (old code) is newer than this copy.
  const unchanged = live
    ? {
        expression: '#ts = :ts AND clientJson = :json',
        names: { '#ts': 'timestamp' },
        values: { ':ts': item.timestamp, ':json': item.clientJson },
      }
    : { expression: 'invalidatedUntil = :until AND attribute_not_exists(clientJson)', values: { ':until': item.invalidatedUntil } };
  return moveItem(moved, legacy, unchanged);
}
