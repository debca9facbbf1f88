import { verifyNodeCredential } from '../cluster/node-credentials';
import { config } from '../config';
import { afterDrainingRelease } from '../drain/completion';
import { Conflict, NotFound } from '../errors';
import { AGAIN, withContention } from '../store/retry';
import { isHeld, leaseView, recentRate, type Lease, type LeaseView } from './lease';
import * as leases from './repository';

/**
 * PUT /leases/{name}: renew what I hold, or acquire what is free or lapsed.
 * With a fencing token the caller says it holds the lease: one conditional update.
 * Without, two reads side by side — the lease itself (consistent: is it mine, free or
 * someone else's; its range id and token, which a transaction cannot return) and my
 * holdings (they enforce MAX_LEASES_PER_NODE) — then one transaction, or one renewal.
 */
export async function putLease(input: {
  name: string;
  nodeId: number;
  credentialHash: string;
  ttlSeconds: number;
  fencingToken?: number;
}): Promise<LeaseView> {
  const { name, nodeId, credentialHash, fencingToken } = input;
  const ttlMs = input.ttlSeconds * 1000;
  const now = Date.now();
  if (fencingToken !== undefined) return leaseView(await leases.renew(name, nodeId, credentialHash, ttlMs, now, fencingToken), now);

  // Nothing read here is told before a write has checked the credential: a lease held by
  // someone else is refused by the acquire transaction (after its member check), the
  // lease limit after a credential check of its own.
  const [current, mine] = await Promise.all([leases.get(name, true), leases.heldBy(nodeId, nodeId, now)]);
  if (current && isHeld(current, now) && current.holder === nodeId)
    return leaseView(await leases.renew(name, nodeId, credentialHash, ttlMs, now), now);
  if (mine.length >= config.maxLeasesPerNode) {
    await verifyNodeCredential({ nodeId, credentialHash });
    throw new Conflict(`Node ${nodeId} already holds ${mine.length} leases (MAX_LEASES_PER_NODE is ${config.maxLeasesPerNode})`);
  }
  return leaseView(await acquireOrCreate(name, nodeId, credentialHash, ttlMs, now, current), now);
}

/** Takes the lease as `seen` (a consistent read: undefined when it does not exist yet); a lost race looks again. */
async function acquireOrCreate(
  name: string,
  nodeId: number,
  credentialHash: string,
  ttlMs: number,
  now: number,
  seen: Lease | undefined,
): Promise<Lease> {
  let current = seen;
  return withContention<Lease>(
    async () => {
      if (!current) {
        const token = leases.nextFencingToken(now);
        const created = await leases.create(name, nodeId, credentialHash, ttlMs, now, await leases.nextRangeId(), token);
        if (created !== 'exists') return created;
        current = await leases.get(name, true); // created concurrently by another node: compete for it as an existing lease
        return AGAIN;
      }
      const outcome = await leases.acquire(name, nodeId, credentialHash, ttlMs, now, leases.nextFencingToken(now, current.fencingToken));
      switch (outcome.kind) {
        case 'acquired':
          return { ...outcome.lease, rangeId: current.rangeId };
        case 'held-by-me':
          return leases.renew(name, nodeId, credentialHash, ttlMs, now);
        case 'token-behind':
          current = outcome.lease;
          return AGAIN;
        case 'missing':
          current = undefined;
          return AGAIN;
      }
    },
    { attempts: 3, message: `Lease ${name} is contended; retry` },
  );
}

export async function releaseLease(input: {
  name: string;
  nodeId: number;
  credentialHash: string;
  fencingToken: number;
  requestId?: string;
}): Promise<LeaseView> {
  const now = Date.now();
  const released = await leases.release(input.name, input.nodeId, input.credentialHash, input.fencingToken, now);
  // The holder is draining: if that was its last lease, it is drained now.
  if (released.holderDrainEpoch !== undefined)
    await afterDrainingRelease(input.nodeId, released.holderDrainEpoch, input.name, input.requestId ?? '');
  return leaseView(released, now);
}

export async function getLease(name: string): Promise<LeaseView> {
  // Consistent: a read right after a write (a release, a new holder) must see it.
  const lease = await leases.get(name, true);
  if (!lease) throw new NotFound(`Lease ${name} not found`);
  return leaseView(lease, Date.now());
}

/** GET /leases: every lease (paged by name), or the unexpired ones of one node. */
export async function listLeases(input: {
  nodeId?: number;
  limit: number;
  after?: string;
}): Promise<{ items: LeaseView[]; next?: string }> {
  const now = Date.now();
  if (input.nodeId !== undefined) return { items: (await leases.heldBy(input.nodeId, input.nodeId, now)).map((l) => leaseView(l, now)) };
  const { leases: page, next } = await leases.page(input.limit, input.after);
  return { items: page.map((l) => leaseView(l, now)), next };
}

/** Unexpired leases per holder for members `from..to`: the members list's activeLeases. */
export async function activeLeaseCounts(from: number, to: number): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  for (const l of await leases.heldBy(from, to, Date.now())) counts.set(l.holder!, (counts.get(l.holder!) ?? 0) + 1);
  return counts;
}

export { isHeld, recentRate };
