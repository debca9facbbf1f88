import { rangeDescriptor, rangeInfo, type RangeView } from '../compat/cockroach';
import { NotFound } from '../errors';
import { recentRate, type Lease } from './lease';
import * as leases from './repository';

/** A lease as CockroachDB sees a range. */
const view = (lease: Lease, now: number): RangeView => ({
  name: lease.name,
  rangeId: lease.rangeId,
  holder: lease.holder,
  fencingToken: lease.fencingToken,
  acquiredAt: lease.acquiredAt,
  expiresAt: lease.expiresAt,
  queriesPerSecond: recentRate(lease, now),
});

/** GET /api/v2/nodes/{node_id}/ranges/: the ranges whose lease the node holds, offset-paged. */
export async function nodeRanges(nodeId: number, limit: number, offset: number) {
  const now = Date.now();
  const held = (await leases.heldBy(nodeId, nodeId, now)).sort((a, b) => a.rangeId - b.rangeId);
  const page = held.slice(offset, offset + limit);
  return { ranges: page.map((l) => rangeInfo(view(l, now), now)), ...(offset + limit < held.length ? { next: offset + limit } : {}) };
}

/**
 * GET /api/v2/ranges/hot/: held ranges by leaseholder, hottest (recent acquires and
 * renews per second) first; `start` is the offset into that order, as a string token.
 */
export async function hotRanges(input: { nodeId?: number; limit: number; start: number }) {
  const now = Date.now();
  const held = input.nodeId === undefined ? await allHeld(now) : await leases.heldBy(input.nodeId, input.nodeId, now);
  const ranked = held.map((l) => view(l, now)).sort((a, b) => b.queriesPerSecond - a.queriesPerSecond || a.rangeId - b.rangeId);
  const page = ranked.slice(input.start, input.start + input.limit);
  const byNode: Record<string, ReturnType<typeof rangeDescriptor>[]> = {};
  for (const r of page) (byNode[String(r.holder)] ??= []).push(rangeDescriptor(r));
  return {
    ranges_by_node_id: byNode,
    response_error: [],
    next: input.start + input.limit < ranked.length ? String(input.start + input.limit) : '',
  };
}

async function allHeld(now: number): Promise<Lease[]> {
  return leases.heldBy(1, Number.MAX_SAFE_INTEGER, now);
}

/** GET /api/v2/ranges/{range_id}/: the range as its (last) leaseholder reports it; 404 for an unknown range. */
export async function rangeById(rangeId: number) {
  const lease = await leases.getByRange(rangeId);
  if (!lease) throw new NotFound(`range ${rangeId} not found`);
  const now = Date.now();
  return { responses_by_node_id: { [String(lease.holder ?? 0)]: { range_info: rangeInfo(view(lease, now), now) } } };
}
