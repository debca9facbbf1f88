import { keys } from '../store/keys';
import { moveItem } from '../store/move';

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
  // The old item goes with it, only while it is still there (another run may have moved it).
  const outcome = await moveItem({ ...item, ...keys.member(nodeId) }, keys.legacyMember(nodeId), { expression: 'attribute_exists(PK)' });
  if (outcome.kind === 'changed') throw new Error(`member ${nodeId}: the move's condition names no attribute that can change`);
  return outcome;
}
