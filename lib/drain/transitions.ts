import type { AuditEntry } from '../audit/audit';
import type { Member } from '../cluster/member';
import { beginDrain as writeBegin, resumeDrain } from '../cluster/member-drain-store';
import { getMember } from '../cluster/member-reads';
import { memberNotFound } from '../cluster/refusals';
import { AGAIN, withContention } from '../store/retry';

/**
 * The drain's two transitions a caller starts — begin and resume — each the member store's
 * one conditional write, retried (bounded) when it lost to a concurrent change of the same
 * member. How a drain ends: ./completion.ts.
 */

const CONTENTION = { attempts: 4, message: 'The member changed concurrently while its drain state was written; retry' };

export type BeginOutcome =
  | { kind: 'began'; drainEpoch: number }
  /** Draining or drained already: nothing changed. */
  | { kind: 'already'; member: Member }
  /** It holds the leader lease: hand it over first. */
  | { kind: 'leads' };

/**
 * active → draining under a new epoch (the writer picks it: now, above the last, like
 * fencing tokens); a missing member is 404. Refused while the member holds the leader lease.
 */
export async function beginDrain(nodeId: number, deadline: number, now: number, audit: AuditEntry): Promise<BeginOutcome> {
  let drainEpoch = now;
  return withContention<BeginOutcome>(async () => {
    const outcome = await writeBegin({ nodeId, deadline, drainEpoch, now, audit });
    switch (outcome.kind) {
      case 'done':
        return { kind: 'began', drainEpoch };
      case 'leads':
        return outcome;
      case 'missing':
        throw memberNotFound(nodeId);
      case 'moved':
        if (outcome.current.drainState !== 'active') return { kind: 'already', member: outcome.current };
        drainEpoch = Math.max(drainEpoch + 1, outcome.current.drainEpoch + 1); // the clock is behind the last epoch: go above it
        return AGAIN;
    }
  }, CONTENTION);
}

/**
 * draining or drained → active, for the state read just before (so a concurrent drain or
 * resume is noticed, and read again). Returns the member as it left it, or undefined when
 * it was active already; a missing member is 404.
 */
export async function resume(nodeId: number, now: number, audit: AuditEntry): Promise<Member | undefined> {
  return withContention(async () => {
    const seen = await getMember(nodeId, true);
    if (!seen) throw memberNotFound(nodeId);
    if (seen.drainState === 'active') return undefined;
    const resumed = await resumeDrain({ seen, now, audit });
    return resumed.kind === 'done' ? seen : AGAIN; // it moved: look again
  }, CONTENTION);
}
