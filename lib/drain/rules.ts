/**
 * When a draining member becomes drained: when it holds no unexpired lease, or when its
 * deadline has passed, whichever comes first. Until then the deadline execution sleeps
 * until the earlier of the deadline and the next expiry among its leases.
 */
export type DrainCheck = { done: true } | { done: false; wakeAt: number };

export function drainCheck(input: { deadline: number; leaseExpiries: readonly number[]; now: number }): DrainCheck {
  const live = input.leaseExpiries.filter((t) => t > input.now);
  if (live.length === 0 || input.deadline <= input.now) return { done: true };
  return { done: false, wakeAt: Math.min(input.deadline, ...live) };
}

/** The deadline execution's name: one per member and drain epoch, so a retried start cannot begin a second. */
export const executionName = (nodeId: number, drainEpoch: number): string => `drain-${nodeId}-${drainEpoch}`;
