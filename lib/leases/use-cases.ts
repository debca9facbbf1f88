import type { MemberRefusal } from '../cluster/member-parts';
import { config } from '../config';
import { Conflict, NotFound, Unauthorized, type DomainError } from '../errors';
import { verifyNodeCredential } from '../identity/node-credentials';
import { AGAIN, withContention } from '../store/retry';
import { isHeld, leaseView, recentRate, type Lease, type LeaseView } from './lease';
import * as leases from './lease-store';
import type { HolderRefusal } from './lease-store';

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
  const write = { name, holder: nodeId, credentialHash, ttlMs, now };
  if (fencingToken !== undefined) return leaseView(await renew(write, fencingToken), now);

  // Nothing read here is told before a write has checked the credential: a lease held by
  // someone else is refused by the acquire transaction (after its member check), the
  // lease limit after a credential check of its own.
  const [current, mine] = await Promise.all([leases.get(name, true), leases.heldBy(nodeId, nodeId, now)]);
  if (current && isHeld(current, now) && current.holder === nodeId) return leaseView(await renew(write), now);
  if (mine.length >= config.maxLeasesPerNode) {
    await verifyNodeCredential({ nodeId, credentialHash });
    throw new Conflict(`Node ${nodeId} already holds ${mine.length} leases (MAX_LEASES_PER_NODE is ${config.maxLeasesPerNode})`);
  }
  return leaseView(await acquireOrCreate(write, current), now);
}

/** A holder's renewal, its refusal told as an error. */
async function renew(write: leases.HolderWrite, fencingToken?: number): Promise<Lease> {
  const renewed = await leases.renew({ ...write, fencingToken });
  if (renewed.kind === 'done') return renewed.lease;
  throw holderRefusal(write, renewed, fencingToken);
}

/** Why a member check refused a holder: not a member or not its credential (401), or not active (409). */
function memberRefusalError(holder: number, refusal: MemberRefusal): DomainError {
  if (refusal.kind !== 'moved') return new Unauthorized('Invalid node credential');
  return new Conflict(`Node ${holder} is ${refusal.current.drainState}: it takes no new lease`);
}

/** Why a holder's renew or release was refused, from the lease as it stood. */
export function holderRefusal(
  write: { name: string; holder: number; credentialHash: string; now: number },
  refused: HolderRefusal,
  fencingToken?: number,
): DomainError {
  const { name, holder } = write;
  if (refused.kind === 'invalid-credential') return new Unauthorized('Invalid node credential');
  if (refused.kind === 'missing') return new NotFound(`Lease ${name} not found`);
  const lease = refused.current;
  if (lease.holder === holder && lease.holderCredentialHash !== write.credentialHash)
    return new Conflict(`Lease ${name} was taken under another credential of node ${holder}`);
  if (fencingToken !== undefined && lease.fencingToken !== fencingToken) {
    return new Conflict(`Stale fencing token for lease ${name}: the current token is newer`);
  }
  if (lease.holder !== holder)
    return new Conflict(lease.holder === undefined ? `Lease ${name} is not held` : `Lease ${name} is held by node ${lease.holder}`);
  if (lease.expiresAt <= write.now) return new Conflict(`Lease ${name} has expired`);
  return new Conflict(`Lease ${name} changed concurrently; retry`);
}

/** Takes the lease as `seen` (a consistent read: undefined when it does not exist yet); a lost race looks again. */
async function acquireOrCreate(write: leases.HolderWrite, seen: Lease | undefined): Promise<Lease> {
  const { name, holder, now } = write;
  let current = seen;
  return withContention<Lease>(
    async () => {
      if (!current) {
        const created = await leases.create({ ...write, rangeId: await leases.nextRangeId(), token: leases.nextFencingToken(now) });
        if (created.kind === 'member-refused') throw memberRefusalError(holder, created.refusal);
        if (created.kind === 'done') return created.lease;
        if (created.kind === 'unmoved') throw new Conflict(`Lease ${name} is waiting for the upgrade's migration to move it; retry`, 5);
        current = await leases.get(name, true); // created concurrently by another node: compete for it as an existing lease
        return AGAIN;
      }
      const outcome = await leases.acquire({ ...write, token: leases.nextFencingToken(now, current.fencingToken) });
      switch (outcome.kind) {
        case 'acquired':
          return { ...outcome.lease, rangeId: current.rangeId };
        case 'held':
          if (outcome.lease.holder === holder) return renew(write);
          throw new Conflict(`Lease ${name} is held by node ${outcome.lease.holder}`);
        case 'member-refused':
          throw memberRefusalError(holder, outcome.refusal);
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
