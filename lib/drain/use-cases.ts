import type { AuditEntry } from '../audit/audit';
import { abdicate, transferLeadership } from '../cluster/leader';
import { Conflict } from '../errors';
import * as leases from '../leases/repository';
import { startDeadline, stopDeadline } from './deadline';
import * as drains from './repository';
import { drainCheck, type DrainCheck } from './rules';

/** Who asks, as the audit names them (`user:…`, `node:…`, `system:…`), and under which request. */
export interface Caller {
  actor: string;
  requestId: string;
}

const entry = (caller: Caller, action: string, nodeId: number, details: Record<string, unknown> = {}): AuditEntry => ({
  actor: caller.actor,
  action,
  target: `member:${nodeId}`,
  requestId: caller.requestId,
  details,
});

/** Revokes what the member still holds, then flips it to drained — for this epoch only. */
async function finish(nodeId: number, epoch: number, now: number, caller: Caller, reason: string): Promise<boolean> {
  const revoked = await leases.revokeAll(nodeId, now);
  return drains.completeDrain(nodeId, epoch, now, entry(caller, 'member.drained', nodeId, { reason, revokedLeases: revoked }));
}

/** Where a drain stands: done, or when to look again (from the member's live leases). */
async function check(nodeId: number, deadline: number, now: number, released?: string): Promise<{ result: DrainCheck; names: string[] }> {
  // The holder index is eventually consistent: a lease released just now may still show.
  const held = (await leases.heldBy(nodeId, nodeId, now)).filter((l) => l.name !== released);
  return { result: drainCheck({ deadline, leaseExpiries: held.map((l) => l.expiresAt), now }), names: held.map((l) => l.name) };
}

/**
 * POST /cluster/members/{id}/drain. Idempotent: a member already draining or drained
 * answers its state and nothing changes. A leader hands leadership over first (`handOff`).
 * With no deadline, or no live lease, the member is drained before this returns; otherwise
 * a deadline execution finishes the drain at the deadline or when its last lease goes.
 */
export async function startDrain(input: {
  nodeId: number;
  deadlineSeconds: number;
  force: boolean;
  caller: Caller;
}): Promise<{ drainState: drains.DrainState }> {
  const { nodeId, caller } = input;
  const now = Date.now();
  const deadline = now + input.deadlineSeconds * 1000;
  const audit = entry(caller, 'member.draining', nodeId, { deadlineSeconds: input.deadlineSeconds, force: input.force });
  let outcome = await drains.beginDrain(nodeId, deadline, now, audit);
  for (let attempt = 0; outcome.kind === 'leads' && attempt < 3; attempt++) {
    await handOffLeadership(nodeId, input.force, now, caller);
    outcome = await drains.beginDrain(nodeId, deadline, now, audit);
  }
  switch (outcome.kind) {
    case 'already':
      return { drainState: outcome.status.drainState };
    case 'leads':
      throw new Conflict('Leadership kept returning to this member while it was handed over; retry', 1);
    case 'began': {
      const epoch = outcome.status.drainEpoch;
      const { result, names } = await check(nodeId, deadline, now);
      if (result.done) {
        await finish(nodeId, epoch, now, caller, input.deadlineSeconds === 0 ? 'no deadline' : 'no live lease');
        return { drainState: (await drains.readDrain(nodeId)).drainState };
      }
      await leases.markHolderDraining(nodeId, epoch, names);
      await startDeadline(nodeId, epoch, result.wakeAt);
      return { drainState: 'draining' };
    }
  }
}

/**
 * A leader about to drain hands its lease to the healthiest other active voter. With none,
 * the drain is refused unless forced, which leaves the cluster without a leader until an
 * election finds one.
 */
async function handOffLeadership(nodeId: number, force: boolean, now: number, caller: Caller): Promise<void> {
  const transfer = await transferLeadership(nodeId, now, caller.actor, caller.requestId);
  if (transfer.kind !== 'no-candidate') return;
  if (!force) {
    throw new Conflict(
      `Node ${nodeId} is the leader and no other active voter is healthy enough to take over; drain with ?force=true to leave the cluster without a leader`,
    );
  }
  await abdicate(nodeId);
}

/** POST /cluster/members/{id}/resume: back to active, idempotently; the deadline execution is stopped. */
export async function resumeMember(input: { nodeId: number; caller: Caller }): Promise<void> {
  const left = await drains.resume(input.nodeId, Date.now(), entry(input.caller, 'member.resumed', input.nodeId));
  if (left?.drainState === 'draining') await stopDeadline(input.nodeId, left.drainEpoch);
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
 * execution was lost, failed or never started. No member stays draining for ever.
 */
export async function completeOverdueDrains(requestId: string): Promise<number[]> {
  const now = Date.now();
  const completed: number[] = [];
  for (const status of await drains.drainingMembers()) {
    if ((status.drainDeadline ?? 0) > now) continue;
    if (await finish(status.nodeId, status.drainEpoch, now, system('watcher', requestId), 'deadline (watcher)'))
      completed.push(status.nodeId);
  }
  return completed;
}
