import { randomInt } from 'node:crypto';

/**
 * A lease: a named lock with a time limit and a fencing token. The token increases at
 * every change of holder (and at every revocation), so a holder acting with an old token
 * is refused and downstream systems can reject its late writes.
 */
export interface Lease {
  name: string;
  rangeId: number;
  /** The node holding it; kept after expiry until someone else acquires it or it is released. */
  holder?: number;
  fencingToken: number;
  /** Epoch ms. */
  expiresAt: number;
  acquiredAt?: number;
  /** Acquires and renews per minute bucket (epoch minute → count), for hot ranges. */
  ops: Record<string, number>;
  /** Set while the holder is draining (its drain epoch): a release then checks whether the drain is done. */
  holderDrainEpoch?: number;
}

/** How many minute buckets "recent" covers for the acquire/renew rate. */
export const RATE_WINDOW_MINUTES = 5;

export const minuteOf = (ms: number): number => Math.floor(ms / 60_000);

/** The lease is held by `holder` right now. */
export const isHeld = (lease: Lease, now: number): boolean => lease.holder !== undefined && lease.expiresAt > now;

/** Recent acquires and renews per second, over the last RATE_WINDOW_MINUTES whole minutes and the current one. */
export function recentRate(lease: Pick<Lease, 'ops'>, now: number): number {
  const current = minuteOf(now);
  let count = 0;
  for (const [minute, n] of Object.entries(lease.ops)) {
    if (current - Number(minute) <= RATE_WINDOW_MINUTES) count += n;
  }
  const seconds = RATE_WINDOW_MINUTES * 60 + (now % 60_000) / 1000;
  return count / seconds;
}

/** The buckets a write may drop: old enough to be outside every window. */
export const staleMinutes = (now: number): number[] => Array.from({ length: 10 }, (_, i) => minuteOf(now) - RATE_WINDOW_MINUTES - 1 - i);

/** The canonical wire shape (PUT and GET answers). */
export function leaseView(lease: Lease, now: number) {
  const held = isHeld(lease, now);
  return {
    name: lease.name,
    rangeId: lease.rangeId,
    holder: held ? lease.holder! : null,
    fencingToken: lease.fencingToken,
    expiresAt: held ? new Date(lease.expiresAt).toISOString() : null,
  };
}

export type LeaseView = ReturnType<typeof leaseView>;

export function fromItem(item: Record<string, unknown>): Lease {
  return {
    name: String(item.name),
    rangeId: Number(item.rangeId),
    holder: item.holder === undefined ? undefined : Number(item.holder),
    fencingToken: Number(item.fencingToken ?? 0),
    expiresAt: Number(item.leaseExpiresAt ?? 0),
    acquiredAt: item.acquiredAt === undefined ? undefined : Number(item.acquiredAt),
    ops: (item.ops as Record<string, number> | undefined) ?? {},
    holderDrainEpoch: item.holderDrainEpoch === undefined ? undefined : Number(item.holderDrainEpoch),
  };
}

/**
 * A fencing token the writer chooses: microseconds since the epoch, so it exceeds every
 * token handed out before (each write also demands `fencingToken < :new`, which keeps the
 * order strict even across clock skew). Transactions return no values, so this is how an
 * acquire learns its token without a second call. Exact in JSON until the year 2255.
 */
export const nextFencingToken = (now: number, above = 0): number => Math.max(now * 1000 + randomInt(1000), above + 1);
