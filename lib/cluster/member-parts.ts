import { TABLE } from '../store/client';
import type { Cancellation } from '../store/conditions';
import { keys } from '../store/keys';
import { memberFromItem, type Member } from './member';

/**
 * The member store's transaction parts: what another capability's transaction may say about
 * a member ("it holds this credential", "it is active", "it is drained in this epoch") and
 * how to read the answer when that part failed. Each condition is spelled here, beside the
 * store that writes the item (./member-store.ts, ./member-state-store.ts), so a change of
 * the member's keys or attributes is made in one folder. Failures come back as a typed
 * refusal built from the ALL_OLD image, through the one member union.
 */

export type MemberRequirement =
  /** The caller's node credential is its member's current one (a removed member has none). */
  | { kind: 'holds'; credentialHash: string }
  /** As `holds`, and the member is active: a draining, drained or removed member takes no new lease. */
  | { kind: 'active-holder'; credentialHash: string }
  /** An active voter: a draining, drained or removed member never leads, nor does a nonvoter. */
  | { kind: 'active-voter' }
  /** Drained in this very epoch: only the completion that won, while nothing resumed the member since. */
  | { kind: 'drained-in'; drainEpoch: number };

function condition(req: MemberRequirement): { ConditionExpression: string; ExpressionAttributeValues: Record<string, unknown> } {
  switch (req.kind) {
    case 'holds':
      // The credential is the member's current one: a removed member, or one re-issued since, fails.
      return { ConditionExpression: 'credentialHash = :cred', ExpressionAttributeValues: { ':cred': req.credentialHash } };
    case 'active-holder':
      // Exists, active, and this is its current credential: a draining member takes no new lease.
      return {
        ConditionExpression: 'attribute_exists(PK) AND drainState = :active AND credentialHash = :cred',
        ExpressionAttributeValues: { ':active': 'active', ':cred': req.credentialHash },
      };
    case 'active-voter':
      // Only an active voter may lead.
      return {
        ConditionExpression: 'drainState = :active AND suffrage = :voter',
        ExpressionAttributeValues: { ':active': 'active', ':voter': 'voter' },
      };
    case 'drained-in':
      // The drain of this epoch completed and no resume or new drain came since.
      return {
        ConditionExpression: 'drainState = :drained AND drainEpoch = :epoch',
        ExpressionAttributeValues: { ':drained': 'drained', ':epoch': req.drainEpoch },
      };
  }
}

/** A ConditionCheck on member `nodeId` for another capability's transaction; read its reason with `memberRefusal`. */
export const memberCheck = (nodeId: number, req: MemberRequirement) => ({
  ConditionCheck: {
    TableName: TABLE,
    Key: keys.member(nodeId),
    ...condition(req),
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  },
});

/** Why a member part failed: no such member, a credential that is not its current one, or a member in another state. */
export type MemberRefusal = { kind: 'missing' } | { kind: 'invalid-credential' } | { kind: 'moved'; current: Member };

/**
 * The refusal a member part's cancellation reason carries, or `undefined` when that part
 * held. A credential the member does not hold is `invalid-credential` whatever else is
 * true of it, so an invalid credential learns nothing of the member's state.
 */
export function memberRefusal(reason: Cancellation | undefined, credentialHash?: string): MemberRefusal | undefined {
  if (reason?.code !== 'ConditionalCheckFailed') return undefined;
  if (!reason.item) return credentialHash === undefined ? { kind: 'missing' } : { kind: 'invalid-credential' };
  if (credentialHash !== undefined && reason.item.credentialHash !== credentialHash) return { kind: 'invalid-credential' };
  return { kind: 'moved', current: memberFromItem(reason.item) };
}

/** A member image from a failed condition, through the one union (ALL_OLD images included). */
export const currentOf = (item: Record<string, unknown> | undefined): Member | undefined => (item ? memberFromItem(item) : undefined);

/** Some part of the transaction lost to a concurrent one: the caller reads again. */
export const contended = (reasons: readonly Cancellation[]): boolean => reasons.some((r) => r.code === 'TransactionConflict');
