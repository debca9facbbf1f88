import { getMember, listMembers } from '../cluster/member-reads';
import { hotRangeInfo, paginate, rangeDescriptor, rangeInfo, type Paging, type RangeView } from '../compat/cockroach';
import { NotFound } from '../errors';
import { recentRate, type Lease } from './lease';
import * as leases from './lease-store';

/**
 * Leases as CockroachDB ranges: the ranges, hot ranges and node ranges the compat surface serves.
 */

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

/** CockroachDB answers an unknown node's ranges with a 500; Roster says what it is. */
async function member(nodeId: number): Promise<void> {
  if (!(await getMember(nodeId))) throw new NotFound(`node ${nodeId} not found`);
}

/** GET /api/v2/nodes/{node_id}/ranges/: the ranges whose lease the node holds (optionally only `ranges`), offset-paged. */
export async function nodeRanges(nodeId: number, paging: Paging, only?: ReadonlySet<number>) {
  await member(nodeId);
  const now = Date.now();
  const held = (await leases.heldBy(nodeId, nodeId, now)).filter((l) => !only || only.has(l.rangeId)).sort((a, b) => a.rangeId - b.rangeId);
  const { page, next } = paginate(held, paging);
  return { ranges: page.map((l) => rangeInfo(view(l, now), now)), ...(next !== undefined ? { next } : {}) };
}

/**
 * GET /api/v2/ranges/hot/: held ranges, hottest (recent acquires and renews per second)
 * first, in both shapes of the spec: `ranges` (hotRangeInfo, current) and
 * `ranges_by_node_id` (rangeDescriptorInfo by leaseholder, older), which lists every node
 * asked about, with [] for one that holds none on this page. `start` is the offset into
 * that order; `next` (a string, as the spec has it) is absent when nothing follows.
 */
export async function hotRanges(input: { nodeId?: number; paging: Paging }) {
  const now = Date.now();
  let nodes: number[];
  let held: Lease[];
  if (input.nodeId === undefined) {
    [nodes, held] = await Promise.all([listMembers().then((ms) => ms.map((m) => m.nodeId)), allHeld(now)]);
  } else {
    await member(input.nodeId);
    nodes = [input.nodeId];
    held = await leases.heldBy(input.nodeId, input.nodeId, now);
  }
  const ranked = held.map((l) => view(l, now)).sort((a, b) => b.queriesPerSecond - a.queriesPerSecond || a.rangeId - b.rangeId);
  const { page, next } = paginate(ranked, input.paging);
  const byNode: Record<string, ReturnType<typeof rangeDescriptor>[]> = Object.fromEntries(nodes.map((n) => [String(n), []]));
  for (const r of page) (byNode[String(r.holder)] ??= []).push(rangeDescriptor(r));
  return {
    ranges: page.map(hotRangeInfo),
    ranges_by_node_id: byNode,
    ...(next !== undefined ? { next: String(next) } : {}),
  };
}

async function allHeld(now: number): Promise<Lease[]> {
  return leases.heldBy(1, Number.MAX_SAFE_INTEGER, now);
}

/** GET /api/v2/ranges/{range_id}/: the range as its (last) leaseholder reports it; no node reports an unknown one. */
export async function rangeById(rangeId: number) {
  const lease = await leases.getByRange(rangeId);
  if (!lease) return { responses_by_node_id: {} };
  const now = Date.now();
  return { responses_by_node_id: { [String(lease.holder ?? 0)]: { range_info: rangeInfo(view(lease, now), now) } } };
}
