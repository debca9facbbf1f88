import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { auditedUpdate, auditPut, type AuditEntry } from '../audit/audit';
import { fromItem as leaseFromItem, type Lease } from '../leases/lease';
import { revokeItem } from '../leases/repository';
import { NotFound } from '../errors';
import { documents, TABLE } from '../store/client';
import { cancellationReasons, type Item } from '../store/conditions';
import { keys } from '../store/keys';
import { AGAIN, withContention, type Attempt } from '../store/retry';

export type DrainState = 'active' | 'draining' | 'drained';

/** The part of a member that draining reads and writes. */
export interface DrainStatus {
  nodeId: number;
  drainState: DrainState;
  drainEpoch: number;
  /** Epoch ms; set while draining with a deadline. */
  drainDeadline?: number;
}

const toStatus = (nodeId: number, item: Item): DrainStatus => ({
  nodeId,
  drainState: (item.drainState as DrainState | undefined) ?? 'active',
  drainEpoch: Number(item.drainEpoch ?? 0),
  drainDeadline: item.drainDeadline === undefined ? undefined : Number(item.drainDeadline),
});

export async function readDrain(nodeId: number): Promise<DrainStatus> {
  const { Item } = await documents.send(new GetCommand({ TableName: TABLE, Key: keys.member(nodeId), ConsistentRead: true }));
  if (!Item) throw new NotFound('Cluster member not found');
  return toStatus(nodeId, Item);
}

export type BeginOutcome = { kind: 'began'; status: DrainStatus } | { kind: 'already'; status: DrainStatus } | { kind: 'leads' };

const CONTENTION = { attempts: 4, message: 'The member changed concurrently while its drain state was written; retry' };

/**
 * active → draining in one transaction, under a new epoch (the writer picks it: now, above
 * the last, like fencing tokens). Refused while the member holds the leader lease, so
 * leadership is handed over first.
 */
export async function beginDrain(nodeId: number, deadline: number, now: number, audit: AuditEntry): Promise<BeginOutcome> {
  let epoch = now;
  return withContention(async () => {
    const outcome = await tryBegin(nodeId, deadline, epoch, now, audit);
    if (typeof outcome !== 'number') return outcome;
    epoch = outcome; // the clock is behind the last epoch: go above it
    return AGAIN;
  }, CONTENTION);
}

/** One attempt at beginDrain under `epoch`; a number is the epoch to try next. */
async function tryBegin(nodeId: number, deadline: number, epoch: number, now: number, audit: AuditEntry): Promise<BeginOutcome | number> {
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
                ':epoch': epoch,
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
          auditPut({ ...audit, details: { ...audit.details, drainEpoch: epoch, deadline: new Date(deadline).toISOString() } }, now),
        ],
      }),
    );
    return { kind: 'began', status: { nodeId, drainState: 'draining', drainEpoch: epoch, drainDeadline: deadline } };
  } catch (err) {
    const reasons = cancellationReasons(err);
    if (!reasons) throw err;
    const [member, meta] = reasons;
    if (member?.code === 'ConditionalCheckFailed') {
      if (!member.item) throw new NotFound('Cluster member not found');
      const status = toStatus(nodeId, member.item);
      if (status.drainState !== 'active') return { kind: 'already', status };
      return Math.max(epoch + 1, status.drainEpoch + 1);
    }
    if (meta?.code === 'ConditionalCheckFailed') return { kind: 'leads' };
    throw err;
  }
}

/** Leases revoked in the completing transaction itself (it also holds the member and the audit entry). */
export const LEASES_IN_COMPLETION = 98;

export type CompleteOutcome =
  | { kind: 'drained' }
  /** Not this drain any more (resumed, or drained and drained again): nothing was written. */
  | { kind: 'stale' }
  /** Leases that changed since they were read (released, taken), as they stand now (undefined: gone). */
  | { kind: 'lease-moved'; moved: Map<string, Lease | undefined> };

/**
 * draining → drained, only for the epoch that began it, with the revocation of `held`
 * (at most LEASES_IN_COMPLETION) in the SAME transaction: a stale check or a resume that
 * won changes nothing, not even the leases.
 */
export async function completeDrain(
  nodeId: number,
  epoch: number,
  now: number,
  audit: AuditEntry,
  held: readonly Lease[],
  lapsedOnly = false,
): Promise<CompleteOutcome> {
  try {
    await documents.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: TABLE,
              Key: keys.member(nodeId),
              UpdateExpression: 'SET drainState = :drained, drainUpdatedAt = :now REMOVE drainDeadline',
              // The epoch guard: timers are advisory, this condition is the authority.
              ConditionExpression: 'drainState = :draining AND drainEpoch = :epoch',
              ExpressionAttributeValues: { ':drained': 'drained', ':draining': 'draining', ':epoch': epoch, ':now': now },
            },
          },
          auditPut({ ...audit, details: { ...audit.details, drainEpoch: epoch } }, now),
          ...held.slice(0, LEASES_IN_COMPLETION).map((lease) => revokeItem(lease, nodeId, now, { returnOld: true, lapsedOnly })),
        ],
      }),
    );
    return { kind: 'drained' };
  } catch (err) {
    const reasons = cancellationReasons(err);
    if (!reasons) throw err;
    if (reasons[0]?.code === 'ConditionalCheckFailed') return { kind: 'stale' };
    const moved = new Map<string, Lease | undefined>();
    reasons.slice(2).forEach((r, i) => {
      if (r.code === 'ConditionalCheckFailed') moved.set(held[i]!.name, r.item ? leaseFromItem(r.item) : undefined);
    });
    if (moved.size > 0) return { kind: 'lease-moved', moved };
    throw err;
  }
}

/**
 * A lease beyond the completing transaction's share, revoked after that transaction won:
 * only while the member is still drained in that epoch (a resume since keeps it). False
 * when the member moved on; a lease that moved on is left alone.
 */
export async function revokeAfterDrained(nodeId: number, epoch: number, lease: Lease, now: number): Promise<boolean> {
  try {
    await documents.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            ConditionCheck: {
              TableName: TABLE,
              Key: keys.member(nodeId),
              // Only the completion that won, and only while nothing resumed the member since.
              ConditionExpression: 'drainState = :drained AND drainEpoch = :epoch',
              ExpressionAttributeValues: { ':drained': 'drained', ':epoch': epoch },
            },
          },
          revokeItem(lease, nodeId, now),
        ],
      }),
    );
    return true;
  } catch (err) {
    const reasons = cancellationReasons(err);
    if (!reasons) throw err;
    return reasons[0]?.code !== 'ConditionalCheckFailed';
  }
}

/**
 * draining or drained → active, for the state read just before (so a concurrent drain or
 * resume is noticed). Returns the state it left, or undefined when it was active already.
 */
export async function resume(nodeId: number, now: number, audit: AuditEntry): Promise<DrainStatus | undefined> {
  return withContention(() => tryResume(nodeId, now, audit), CONTENTION);
}

async function tryResume(nodeId: number, now: number, audit: AuditEntry): Promise<Attempt<DrainStatus | undefined>> {
  const before = await readDrain(nodeId);
  if (before.drainState === 'active') return undefined;
  try {
    await documents.send(
      auditedUpdate(
        {
          Key: keys.member(nodeId),
          UpdateExpression: 'SET drainState = :active, drainUpdatedAt = :now REMOVE drainDeadline',
          // Exactly the drain we read: its epoch's execution is the one to stop.
          ConditionExpression: 'drainState = :state AND drainEpoch = :epoch',
          ExpressionAttributeValues: { ':active': 'active', ':now': now, ':state': before.drainState, ':epoch': before.drainEpoch },
        },
        { ...audit, details: { ...audit.details, from: before.drainState, drainEpoch: before.drainEpoch } },
        now,
      ),
    );
    return before;
  } catch (err) {
    if (cancellationReasons(err)?.[0]?.code === 'ConditionalCheckFailed') return AGAIN; // it moved: look again
    throw err;
  }
}
