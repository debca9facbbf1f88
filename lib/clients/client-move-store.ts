import { DeleteCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { documents, TABLE } from '../store/client';
import { cancellationReasons, type Item } from '../store/conditions';
import { keys } from '../store/keys';

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
export type ClientMove = { kind: 'moved' } | { kind: 'stale' } | { kind: 'gone' } | { kind: 'changed'; current: Item };

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
  const unchanged = live
    ? {
        ConditionExpression: '#ts = :ts AND clientJson = :json',
        Names: { '#ts': 'timestamp' },
        Values: { ':ts': item.timestamp, ':json': item.clientJson },
      }
    : {
        ConditionExpression: 'invalidatedUntil = :until AND attribute_not_exists(clientJson)',
        Names: undefined,
        Values: { ':until': item.invalidatedUntil },
      };
  try {
    await documents.send(
      new TransactWriteCommand({
        TransactItems: [
          // The shard's copy only where none is yet: one written there since (by the new code) is the current client.
          { Put: { TableName: TABLE, Item: moved, ConditionExpression: 'attribute_not_exists(PK)' } },
          {
            Delete: {
              TableName: TABLE,
              Key: legacy,
              // The old item goes only as it was read: a keepalive or registration since (old code) is newer than this copy.
              ConditionExpression: unchanged.ConditionExpression,
              ...(unchanged.Names ? { ExpressionAttributeNames: unchanged.Names } : {}),
              ExpressionAttributeValues: unchanged.Values,
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
        ],
      }),
    );
    return { kind: 'moved' };
  } catch (err) {
    const reasons = cancellationReasons(err);
    if (!reasons) throw err;
    if (reasons[0]?.code === 'ConditionalCheckFailed') {
      // The shard has this client already: the old item is stale.
      await documents.send(new DeleteCommand({ TableName: TABLE, Key: legacy }));
      return { kind: 'stale' };
    }
    if (reasons[1]?.code === 'ConditionalCheckFailed') {
      // ALL_OLD: the item as it is now, or none when another run moved it.
      const current = reasons[1].item;
      return current ? { kind: 'changed', current } : { kind: 'gone' };
    }
    throw err;
  }
}
