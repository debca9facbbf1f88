import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { auditedUpdate, auditPut, type AuditEntry } from '../audit/audit';
import { documents, TABLE } from '../store/client';
import { cancellationReasons, type Cancellation } from '../store/conditions';
import { keys } from '../store/keys';
import type { Member } from './member';
import { currentOf } from './member-parts';

/**
 * The member store's drain half (see ./member-store.ts): a member's drain state moves
 * active → draining → drained → active, each move one conditional write on the epoch read.
 * The drain capability (lib/drain) decides when; only this file writes it.
 */

export type BeginDrainOutcome =
  | { kind: 'done'; drainEpoch: number }
  | { kind: 'missing' }
  /** Not active (already draining or drained), or active with an epoch at or above the one tried: `current` says which. */
  | { kind: 'moved'; current: Member }
  /** The member holds the leader lease: it hands it over first. */
  | { kind: 'leads' };

/**
 * active → draining under `drainEpoch`, with the audit entry, in one transaction. Refused
 * while the member holds the leader lease, so leadership is handed over first.
 */
export async function beginDrain(input: {
  nodeId: number;
  deadline: number;
  drainEpoch: number;
  now: number;
  audit: AuditEntry;
}): Promise<BeginDrainOutcome> {
  const { nodeId, deadline, drainEpoch, now, audit } = input;
  try {
    await documents.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: TABLE,
              Key: keys.member(nodeId),
              UpdateExpression: 'SET drainState = :draining, drainEpoch = :epoch, drainDeadline = :deadline, drainUpdatedAt = :now',
              // Only an active member starts draining (a repeat is idempotent); epochs only grow.
              ConditionExpression:
                'attribute_exists(PK) AND drainState = :active AND (attribute_not_exists(drainEpoch) OR drainEpoch < :epoch)',
              ExpressionAttributeValues: {
                ':draining': 'draining',
                ':active': 'active',
                ':epoch': drainEpoch,
                ':deadline': deadline,
                ':now': now,
              },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
          {
            ConditionCheck: {
              TableName: TABLE,
              Key: keys.clusterMeta(),
              // A member holding the leader lease hands it over before it drains.
              ConditionExpression: 'attribute_not_exists(leaderNodeId) OR leaderNodeId <> :me OR leaderExpiresAt <= :now',
              ExpressionAttributeValues: { ':me': nodeId, ':now': now },
            },
          },
          auditPut({ ...audit, details: { ...audit.details, drainEpoch, deadline: new Date(deadline).toISOString() } }, now),
        ],
      }),
    );
    return { kind: 'done', drainEpoch };
  } catch (err) {
    const reasons = cancellationReasons(err);
    if (!reasons) throw err;
    const [member, meta] = reasons;
    if (member?.code === 'ConditionalCheckFailed') {
      const current = currentOf(member.item);
      return current ? { kind: 'moved', current } : { kind: 'missing' };
    }
    if (meta?.code === 'ConditionalCheckFailed') return { kind: 'leads' };
    throw err;
  }
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export type CompleteDrainOutcome =
  | { kind: 'done' }
  /** Not this drain any more (resumed, drained and drained again, or removed): nothing was written. */
  | { kind: 'moved' }
  /** A part of `alongside` failed: its reasons, in the order of `alongside`. */
  | { kind: 'alongside-refused'; reasons: Cancellation[] };

/**
 * draining → drained, only for the epoch that began it, with the audit entry and
 * `alongside` (the drain's lease revocations) in the SAME transaction: a stale check or a
 * resume that won changes nothing, not even what goes alongside.
 */
export async function completeDrain(input: {
  nodeId: number;
  drainEpoch: number;
  now: number;
  audit: AuditEntry;
  alongside: readonly TransactItem[];
}): Promise<CompleteDrainOutcome> {
  const { drainEpoch, now, audit } = input;
  try {
    await documents.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: TABLE,
              Key: keys.member(input.nodeId),
              UpdateExpression: 'SET drainState = :drained, drainUpdatedAt = :now REMOVE drainDeadline',
              // The epoch guard: timers are advisory, this condition is the authority.
              ConditionExpression: 'drainState = :draining AND drainEpoch = :epoch',
              ExpressionAttributeValues: { ':drained': 'drained', ':draining': 'draining', ':epoch': drainEpoch, ':now': now },
            },
          },
          auditPut({ ...audit, details: { ...audit.details, drainEpoch } }, now),
          ...input.alongside,
        ],
      }),
    );
    return { kind: 'done' };
  } catch (err) {
    const reasons = cancellationReasons(err);
    if (!reasons) throw err;
    if (reasons[0]?.code === 'ConditionalCheckFailed') return { kind: 'moved' };
    const alongside = reasons.slice(2);
    if (alongside.some((r) => r.code === 'ConditionalCheckFailed')) return { kind: 'alongside-refused', reasons: alongside };
    throw err;
  }
}

/**
 * draining or drained → active, for the drain as `seen` (so a concurrent drain or resume is
 * noticed: `moved`, read again), with the audit entry.
 */
export async function resumeDrain(input: {
  seen: Member & { drainState: 'draining' | 'drained' };
  now: number;
  audit: AuditEntry;
}): Promise<{ kind: 'done' } | { kind: 'moved' }> {
  const { seen, now, audit } = input;
  try {
    await documents.send(
      auditedUpdate(
        {
          Key: keys.member(seen.nodeId),
          UpdateExpression: 'SET drainState = :active, drainUpdatedAt = :now REMOVE drainDeadline',
          // Exactly the drain we read: its epoch's execution is the one to stop.
          ConditionExpression: 'drainState = :state AND drainEpoch = :epoch',
          ExpressionAttributeValues: { ':active': 'active', ':now': now, ':state': seen.drainState, ':epoch': seen.drainEpoch },
        },
        { ...audit, details: { ...audit.details, from: seen.drainState, drainEpoch: seen.drainEpoch } },
        now,
      ),
    );
    return { kind: 'done' };
  } catch (err) {
    if (cancellationReasons(err)?.[0]?.code === 'ConditionalCheckFailed') return { kind: 'moved' };
    throw err;
  }
}
