import type { AuditEntry } from '../audit/audit';
import * as leases from '../leases/repository';
import * as drains from './repository';
import { drainCheck, type DrainCheck } from './rules';

/**
 * How drains end. Nothing here talks to Step Functions, so the lease release path and the
 * watcher can finish drains without carrying the Step Functions client in their bundles.
 */

/** Who asks, as the audit names them (`user:…`, `node:…`, `system:…`), and under which request. */
export interface Caller {
  actor: string;
  requestId: string;
}

export const entry = (caller: Caller, action: string, nodeId: number, details: Record<string, unknown> = {}): AuditEntry => ({
  actor: caller.actor,
  action,
  target: `member:${nodeId}`,
  requestId: caller.requestId,
  details,
});

/** Revokes what the member still holds, then flips it to drained — for this epoch only. */
export async function finish(nodeId: number, epoch: number, now: number, caller: Caller, reason: string): Promise<boolean> {
  // Still this drain? A resume (or a newer drain) since the caller looked must keep the leases.
  const current = await drains.readDrain(nodeId).catch(() => undefined);
  if (current?.drainState !== 'draining' || current.drainEpoch !== epoch) return false;
  const revoked = await leases.revokeAll(nodeId, now);
  return drains.completeDrain(nodeId, epoch, now, entry(caller, 'member.drained', nodeId, { reason, revokedLeases: revoked }));
}

/** Where a drain stands: done, or when to look again (from the member's live leases). */
export async function check(
  nodeId: number,
  deadline: number,
  now: number,
  released?: string,
): Promise<{ result: DrainCheck; names: string[] }> {
  // The holder index is eventually consistent: a lease released just now may still show.
  const held = (await leases.heldBy(nodeId, nodeId, now)).filter((l) => l.name !== released);
  return { result: drainCheck({ deadline, leaseExpiries: held.map((l) => l.expiresAt), now }), names: held.map((l) => l.name) };
}

const system = (who: string, requestId: string): Caller => ({ actor: `system:${who}`, requestId });

/**
 * The deadline execution's task: is the drain of this epoch done? A stale epoch (resumed,
 * or drained and drained again) answers done and changes nothing.
 */
export async function checkDrain(input: {
  nodeId: number;
  drainEpoch: number;
  requestId: string;
  released?: string;
}): Promise<{ done: boolean; wakeAt: string }> {
  const now = Date.now();
  const status = await drains.readDrain(input.nodeId).catch(() => undefined);
  if (!status || status.drainState !== 'draining' || status.drainEpoch !== input.drainEpoch)
    return { done: true, wakeAt: new Date(now).toISOString() };
  const { result } = await check(input.nodeId, status.drainDeadline ?? now, now, input.released);
  if (result.done) {
    await finish(
      input.nodeId,
      input.drainEpoch,
      now,
      system('drain-deadline', input.requestId),
      (status.drainDeadline ?? now) <= now ? 'deadline' : 'last lease gone',
    );
    return { done: true, wakeAt: new Date(now).toISOString() };
  }
  return { done: false, wakeAt: new Date(result.wakeAt).toISOString() };
}

/** After a draining holder releases a lease: drained at once if that was its last. */
export async function afterDrainingRelease(nodeId: number, drainEpoch: number, released: string, requestId: string): Promise<void> {
  await checkDrain({ nodeId, drainEpoch, requestId, released });
}

/**
 * The watcher's backstop: completes every drain whose deadline has passed, whether its
 * execution was lost, failed or never started, among the members the pass read. No
 * member stays draining for ever.
 */
export async function completeOverdueDrains(members: readonly drains.DrainStatus[], now: number, requestId: string): Promise<number[]> {
  const completed: number[] = [];
  for (const status of members) {
    if (status.drainState !== 'draining' || (status.drainDeadline ?? 0) > now) continue;
    if (await finish(status.nodeId, status.drainEpoch, now, system('watcher', requestId), 'deadline (watcher)'))
      completed.push(status.nodeId);
  }
  return completed;
}
