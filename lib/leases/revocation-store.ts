import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { memberCheck } from '../cluster/member-parts';
import { documents, TABLE } from '../store/client';
import { cancellationReasons, conditionFailure } from '../store/conditions';
import { keys } from '../store/keys';
import { nextFencingToken, type Lease } from './lease';
import { heldBy } from './reads';

/**
 * The lease store's other half: taking leases away from a holder that is removed or drained
 * (and marking a draining holder's leases). Re-exported by ./lease-store.ts, the one import
 * callers use.
 */

/**
 * A transaction item that takes `lease` away from `holder`: it is cleared and its fencing
 * token moves on, so the old holder's renewals, releases and fenced writes fail from now on.
 */
export const revokeItem = (lease: Lease, holder: number, now: number, how: { returnOld?: boolean; lapsedOnly?: boolean } = {}) => ({
  Update: {
    TableName: TABLE,
    Key: keys.lease(lease.name),
    UpdateExpression:
      'SET fencingToken = :token, leaseExpiresAt = :now, revokedAt = :now REMOVE holder, holderCredentialHash, GSI1PK, GSI1SK, holderDrainEpoch',
    // Only if it is still this holder's; the token only ever grows; with lapsedOnly, never a lease renewed since it was read.
    ConditionExpression: `holder = :holder AND fencingToken < :token${how.lapsedOnly ? ' AND leaseExpiresAt <= :now' : ''}`,
    ExpressionAttributeValues: { ':holder': holder, ':token': nextFencingToken(now, lease.fencingToken), ':now': now },
    ...(how.returnOld ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const } : {}),
  },
});

/**
 * Revokes `lease` only while `check` (another owner's condition part, such as the member
 * store's "drained in this epoch") holds, in one transaction. `check-failed`: nothing was
 * revoked; `lease-moved`: the lease was released or taken meanwhile, and is left alone.
 */
export async function revokeWhile(
  lease: Lease,
  holder: number,
  now: number,
  check: ReturnType<typeof memberCheck>,
): Promise<{ kind: 'done' } | { kind: 'check-failed' } | { kind: 'lease-moved' }> {
  try {
    await documents.send(new TransactWriteCommand({ TransactItems: [check, revokeItem(lease, holder, now)] }));
    return { kind: 'done' };
  } catch (err) {
    const reasons = cancellationReasons(err);
    if (!reasons) throw err;
    return reasons[0]?.code === 'ConditionalCheckFailed' ? { kind: 'check-failed' } : { kind: 'lease-moved' };
  }
}

/**
 * Takes every lease `holder` still has away from it (removal), each with its own
 * conditional write (see revokeItem). Returns the names revoked.
 */
export async function revokeAll(holder: number, now: number): Promise<string[]> {
  const revoked: string[] = [];
  for (const lease of await heldBy(holder, holder, 0)) {
    try {
      await documents.send(new UpdateCommand(revokeItem(lease, holder, now).Update));
      revoked.push(lease.name);
    } catch (err) {
      if (!conditionFailure(err)) throw err; // released or taken meanwhile: nothing to revoke
    }
  }
  return revoked;
}

/**
 * Marks the leases `holder` has with its drain epoch, so that releasing one of them tells
 * the releaser to check whether the drain is now complete (no extra read on ordinary releases).
 */
export async function markHolderDraining(holder: number, drainEpoch: number, names: readonly string[]): Promise<void> {
  await Promise.all(
    names.map(async (name) => {
      try {
        await documents.send(
          new UpdateCommand({
            TableName: TABLE,
            Key: keys.lease(name),
            UpdateExpression: 'SET holderDrainEpoch = :epoch',
            // Only while it is still this holder's.
            ConditionExpression: 'holder = :holder',
            ExpressionAttributeValues: { ':holder': holder, ':epoch': drainEpoch },
          }),
        );
      } catch (err) {
        if (!conditionFailure(err)) throw err;
      }
    }),
  );
}
