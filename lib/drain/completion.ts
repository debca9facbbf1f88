import type { AuditEntry } from '../audit/audit';
import type { Member } from '../cluster/member';
import { completeDrain } from '../cluster/member-drain-store';
import { memberCheck } from '../cluster/member-parts';
import { getMember } from '../cluster/member-reads';
import { fromItem as leaseFromItem, type Lease } from '../leases/lease';
import * as leases from '../leases/lease-store';
import { AGAIN, withContention } from '../store/retry';
import { drainCheck, type DrainCheck } from './rules';

/**
 * How drains end. Nothing here talks to Step Functions, so the lease release path and the
 * watcher can finish drains without carrying the Step Functions client in their bundles.
 */

type Draining = Extract<Member, { drainState: 'draining' }>;

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

/** Leases revoked in the completing transaction itself (it also holds the member and the audit entry). */
export const LEASES_IN_COMPLETION = 98;

/**
 * Flips the member to drained — for this epoch only — and revokes what it still holds in
 * the same transaction: a resume that wins keeps every lease. A lease that moved between
 * the read and the write makes the round read again (bounded; then 409).
 */
export async function finish(
  nodeId: number,
  epoch: number,
  now: number,
  caller: Caller,
  reason: string,
  /** Done because no lease is live (not the deadline): refuse if one turns out live after all (the index lags). */
  lapsedOnly = false,
): Promise<boolean> {
  // The index is eventually consistent: a lease that moved is corrected from the write's own answer, not read again.
  let held = await leases.heldBy(nodeId, nodeId, 0);
  return withContention(
    async () => {
      const audit = entry(caller, 'member.drained', nodeId, { reason, revokedLeases: held.map((l) => l.name) });
      const revoking = held.slice(0, LEASES_IN_COMPLETION);
      const alongside = revoking.map((lease) => leases.revokeItem(lease, nodeId, now, { returnOld: true, lapsedOnly }));
      const outcome = await completeDrain({ nodeId, drainEpoch: epoch, now, audit, alongside });
      if (outcome.kind === 'moved') return false;
      if (outcome.kind === 'alongside-refused') {
        // Leases that changed since they were read (released, taken), as they stand now (undefined: gone).
        const moved = new Map<string, Lease | undefined>();
        outcome.reasons.forEach((r, i) => {
          if (r.code === 'ConditionalCheckFailed') moved.set(revoking[i]!.name, r.item ? leaseFromItem(r.item) : undefined);
        });
        const live = [...moved.values()].some((l) => l?.holder === nodeId && l.expiresAt > now);
        if (lapsedOnly && live) return false; // still holds a live lease: not done yet
        held = held.flatMap((l) => {
          if (!moved.has(l.name)) return [l];
          const current = moved.get(l.name);
          return current?.holder === nodeId ? [current] : []; // released or taken meanwhile: not ours to revoke
        });
        return AGAIN;
      }
      // The rest, each only while the member is still drained in this epoch (a resume since keeps them).
      const stillDrained = memberCheck(nodeId, { kind: 'drained-in', drainEpoch: epoch });
      for (const lease of held.slice(LEASES_IN_COMPLETION)) {
        if ((await leases.revokeWhile(lease, nodeId, now, stillDrained)).kind === 'check-failed') break;
      }
      return true;
    },
    { attempts: 4, message: `The leases of node ${nodeId} kept changing while its drain completed; retry` },
  );
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
  // Consistent: a removed member has nothing left to drain; any store fault propagates, so the task is retried, not taken for done.
  const member = await getMember(input.nodeId, true);
  if (member?.drainState !== 'draining' || member.drainEpoch !== input.drainEpoch)
    return { done: true, wakeAt: new Date(now).toISOString() };
  const { result } = await check(input.nodeId, member.drainDeadline, now, input.released);
  if (result.done) {
    const overdue = member.drainDeadline <= now;
    const caller = system('drain-deadline', input.requestId);
    if (await finish(input.nodeId, input.drainEpoch, now, caller, overdue ? 'deadline' : 'last lease gone', !overdue))
      return { done: true, wakeAt: new Date(now).toISOString() };
    // A live lease the index had not shown yet: look again shortly.
    return { done: false, wakeAt: new Date(now + 1000).toISOString() };
  }
  return { done: false, wakeAt: new Date(result.wakeAt).toISOString() };
}

/** After a draining holder releases a lease: drained at once if that was its last. */
export async function afterDrainingRelease(nodeId: number, drainEpoch: number, released: string, requestId: string): Promise<void> {
  await checkDrain({ nodeId, drainEpoch, requestId, released });
}

/**
 * The watcher's backstop, among the members the pass read: completes every drain whose
 * deadline has passed, and every drain whose member holds no live lease (one Query of the
 * held-lease index for all of them), whether its execution was lost, failed or never
 * started. So a member is drained when its last lease goes or at its deadline, whichever
 * is first, even with its timer lost.
 */
export async function completeDueDrains(members: readonly Member[], now: number, requestId: string): Promise<number[]> {
  const draining = members.filter((m): m is Draining => m.drainState === 'draining');
  if (draining.length === 0) return [];
  const ids = draining.map((m) => m.nodeId);
  const holders = new Set((await leases.heldBy(Math.min(...ids), Math.max(...ids), now)).map((l) => l.holder));
  const completed: number[] = [];
  for (const status of draining) {
    const overdue = status.drainDeadline <= now;
    if (!overdue && holders.has(status.nodeId)) continue;
    const reason = overdue ? 'deadline (watcher)' : 'no live lease (watcher)';
    if (await finish(status.nodeId, status.drainEpoch, now, system('watcher', requestId), reason, !overdue)) completed.push(status.nodeId);
  }
  return completed;
}
