import { revokeAll } from '../leases/lease-store';
import { activeLeaseCounts } from '../leases/use-cases';

/**
 * What membership needs of leases, in one place: the members list's `activeLeases`, and
 * the revocation that goes with a member's removal. Both use the held-lease index (GSI1).
 */

/** Unexpired leases per holder for the given node ids (0 for a node that holds none). */
export async function countActiveLeases(nodeIds: readonly number[]): Promise<Map<number, number>> {
  if (nodeIds.length === 0) return new Map();
  const counts = await activeLeaseCounts(Math.min(...nodeIds), Math.max(...nodeIds));
  return new Map(nodeIds.map((id) => [id, counts.get(id) ?? 0]));
}

/** Revokes every lease `nodeId` still holds: each is freed and its fencing token moves on. */
export const revokeLeasesOf = (nodeId: number, now: number): Promise<string[]> => revokeAll(nodeId, now);
