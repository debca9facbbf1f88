import { abdicate, transferLeadership } from '../cluster/leader';
import type { DrainState } from '../cluster/member';
import { getMember } from '../cluster/member-reads';
import { memberNotFound } from '../cluster/refusals';
import { Conflict } from '../errors';
import * as leases from '../leases/lease-store';
import { AGAIN, withContention } from '../store/retry';
import { check, entry, finish, type Caller } from './completion';
import { startDeadline, stopDeadline } from './deadline';
import { beginDrain, resume } from './transitions';

/**
 * The drain surface's use cases: drain (handing leadership over first) and resume.
 */

export type { Caller };

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
}): Promise<{ drainState: DrainState }> {
  const { nodeId, caller } = input;
  const now = Date.now();
  const deadline = now + input.deadlineSeconds * 1000;
  const audit = entry(caller, 'member.draining', nodeId, { deadlineSeconds: input.deadlineSeconds, force: input.force });
  const outcome = await withContention(
    async (attempt) => {
      if (attempt > 0) await handOffLeadership(nodeId, input.force, now, caller);
      const began = await beginDrain(nodeId, deadline, now, audit);
      return began.kind === 'leads' ? AGAIN : began;
    },
    { attempts: 4, message: 'Leadership kept returning to this member while it was handed over; retry' },
  );
  switch (outcome.kind) {
    case 'already':
      return { drainState: outcome.member.drainState };
    case 'began': {
      const epoch = outcome.drainEpoch;
      const { result, names } = await check(nodeId, deadline, now);
      if (result.done) {
        const noDeadline = input.deadlineSeconds === 0;
        if (await finish(nodeId, epoch, now, caller, noDeadline ? 'no deadline' : 'no live lease', !noDeadline))
          return { drainState: 'drained' };
        // A resume (or another drain) overtook this one between its two writes.
        const now2 = await getMember(nodeId, true);
        if (!now2) throw memberNotFound(nodeId);
        if (now2.drainState === 'active') throw new Conflict('The drain was interrupted by a resume; drain again if it is still wanted');
        if (now2.drainState !== 'draining' || now2.drainEpoch !== epoch) return { drainState: now2.drainState };
        // Still this drain: a live lease the index had not shown yet. The deadline execution finishes it.
      }
      await leases.markHolderDraining(nodeId, epoch, names);
      await startDeadline(nodeId, epoch, result.done ? now + 1000 : result.wakeAt);
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
  const left = await resume(input.nodeId, Date.now(), entry(input.caller, 'member.resumed', input.nodeId));
  if (left?.drainState === 'draining') await stopDeadline(input.nodeId, left.drainEpoch);
}
