import type { Item } from '../store/conditions';
import { keys } from '../store/keys';
import { moveItem } from '../store/move';

/**
 * The lease store's migration half (see ./lease-store.ts): a lease item written at its key
 * from before the leases were sharded (lib/store/keys.ts `legacyLease`, one `LEASES`
 * partition, its index item in one `HELD` partition) moved to its name's shard, its index
 * item to its holder's, for lib/system/migrate-leases.ts. The item moves whole — holder,
 * credential, fencing token, range id, expiry, counters — so no token restarts.
 */

/**
 * What became of one legacy lease item: moved by this call (from the image given, or from a
 * newer one if it changed meanwhile); stale (the shard already had the lease, so the old copy
 * was dropped); or gone (another run moved it).
 */
export type LeaseMoveOutcome = { kind: 'moved' } | { kind: 'stale' } | { kind: 'gone' };

/** Attributes that a lease write may add to an item without changing any it has. */
const ADDED_ALONE = ['holderDrainEpoch'];

/** How many times a move goes on with the newer image of a lease renewed under it. */
const ATTEMPTS = 5;

/** One legacy lease item to its shard, as it stands when the move commits. */
export async function moveLeaseToShard(image: Item): Promise<LeaseMoveOutcome> {
  let item = image;
  for (let attempt = 1; ; attempt++) {
    const name = String(item.name);
    const { PK: _pk, SK: _sk, GSI1PK: _gpk, GSI1SK: _gsk, ...attributes } = item;
    const held = item.holder === undefined ? {} : keys.heldLease(Number(item.holder), name);
    const entries = Object.entries(attributes);
    const absent = ADDED_ALONE.filter((a) => !(a in attributes));
    // Only the item as read: one renewed, taken or released since moves as it is now (the next attempt).
    const outcome = await moveItem({ ...attributes, ...keys.lease(name), ...held }, keys.legacyLease(name), {
      expression: [
        'attribute_exists(PK)',
        ...entries.map((_, i) => `#a${i} = :v${i}`),
        ...absent.map((_, i) => `attribute_not_exists(#n${i})`),
      ].join(' AND '),
      names: { ...Object.fromEntries(entries.map(([k], i) => [`#a${i}`, k])), ...Object.fromEntries(absent.map((k, i) => [`#n${i}`, k])) },
      values: Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v])),
    });
    if (outcome.kind !== 'changed') return outcome;
    if (attempt >= ATTEMPTS) throw new Error(`lease ${name} kept changing while it moved; run the migration again`);
    item = outcome.current; // renewed meanwhile: move that
  }
}
