import { DeleteCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { documents, TABLE } from '../store/client';
import { cancellationReasons } from '../store/conditions';
import { keys } from '../store/keys';

/**
 * The member store's migration half (see ./member-store.ts): a member item written at its
 * key from before the members were sharded (lib/store/keys.ts `legacyMember`) moved to its
 * shard's key, for lib/system/migrate-members.ts.
 */

/**
 * What became of one legacy member item: moved by this call; stale (the shard already had the
 * member, written there since, so the old copy was dropped); or gone (another run moved it).
 */
export type MoveOutcome = { kind: 'moved' } | { kind: 'stale' } | { kind: 'gone' };

/** One legacy member item to its shard. */
export async function moveToShard(item: Record<string, unknown>): Promise<MoveOutcome> {
  const nodeId = keys.legacyMemberKeyspace.idOf(String(item.SK));
  const legacy = keys.legacyMember(nodeId);
  try {
    await documents.send(
      new TransactWriteCommand({
        TransactItems: [
          // The shard's copy only where none is yet: one written there since (a new join) is the current member.
          { Put: { TableName: TABLE, Item: { ...item, ...keys.member(nodeId) }, ConditionExpression: 'attribute_not_exists(PK)' } },
          // The old item goes with it, only while it is still there (another run may have moved it).
          { Delete: { TableName: TABLE, Key: legacy, ConditionExpression: 'attribute_exists(PK)' } },
        ],
      }),
    );
    return { kind: 'moved' };
  } catch (err) {
    const reasons = cancellationReasons(err);
    if (!reasons) throw err;
    if (reasons[0]?.code === 'ConditionalCheckFailed') {
      // The shard has this member already: the old item is stale.
      await documents.send(new DeleteCommand({ TableName: TABLE, Key: legacy }));
      return { kind: 'stale' };
    }
    if (reasons[1]?.code === 'ConditionalCheckFailed') return { kind: 'gone' };
    throw err;
  }
}
