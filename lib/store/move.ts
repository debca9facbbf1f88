import { DeleteCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { documents, TABLE } from './client';
import { cancellationReasons, type Item } from './conditions';

/** The condition the old item must still meet to be deleted: that it is as it was read. */
export interface Unchanged {
  expression: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

/**
 * What became of one item moved to a new key: moved by this call; stale (the new key had it
 * already, written there since, so the old copy was dropped); gone (another run moved it); or
 * changed since it was read (`current`: the old item as it is now, to move instead).
 */
export type ItemMove = { kind: 'moved' } | { kind: 'stale' } | { kind: 'gone' } | { kind: 'changed'; current: Item };

/**
 * One item to its new key (a migration's step, lib/system/migrate-*.ts), in one transaction:
 * written at `item`'s key only where nothing is yet, the old item at `from` deleted only while
 * `unchanged` holds of it. The stores own their items' shapes; this owns the move.
 */
export async function moveItem(item: Item, from: Item, unchanged: Unchanged): Promise<ItemMove> {
  try {
    await documents.send(
      new TransactWriteCommand({
        TransactItems: [
          // The new copy only where none is yet: one written there since (by the new code) is the current one.
          { Put: { TableName: TABLE, Item: item, ConditionExpression: 'attribute_not_exists(PK)' } },
          {
            Delete: {
              TableName: TABLE,
              Key: from,
              // The old item goes only as it was read: one written since (by the old code) is newer than this copy.
              ConditionExpression: unchanged.expression,
              ...(unchanged.names ? { ExpressionAttributeNames: unchanged.names } : {}),
              ...(unchanged.values ? { ExpressionAttributeValues: unchanged.values } : {}),
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
    const [fresh, old] = reasons;
    // ALL_OLD: the old item as it is now, or none when another run moved it.
    if (old?.code === 'ConditionalCheckFailed' && !old.item) return { kind: 'gone' };
    if (fresh?.code === 'ConditionalCheckFailed') {
      await documents.send(new DeleteCommand({ TableName: TABLE, Key: from }));
      return { kind: 'stale' };
    }
    if (old?.code === 'ConditionalCheckFailed' && old.item) return { kind: 'changed', current: old.item };
    throw err;
  }
}
