import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { auditedUpdate, auditPut, type AuditEntry } from '../audit/audit';
import { documents, TABLE } from '../store/client';
import { cancellationReasons, conditionFailure } from '../store/conditions';
import { keys } from '../store/keys';
import { memberFromItem, type Machine, type Member } from './member';
import { memberCheck, memberRefusal, type MemberRefusal, type MemberRequirement } from './member-parts';
import type { StoredCredential } from './member-join-store';

/**
 * The member store's state half (see ./member-store.ts): what changes on one member
 * without changing membership — its heartbeat, its persisted health and its node
 * credential — each one conditional write, with its audit entry where it has one; and the
 * one-check transaction a caller proves its credential with. Drain state: ./member-drain-store.ts.
 */

/** The heartbeat's one write, as a command input (the benchmark sends this very write straight to the store). */
export const heartbeatWrite = (table: string, nodeId: number, credentialHash: string, now: number, machine: Machine = {}) => {
  // Only the fields a node may report, and only those it did report this time.
  const reported = (['numCpus', 'totalSystemMemory'] as const).flatMap((k) => (machine[k] === undefined ? [] : [[k, machine[k]] as const]));
  return {
    TableName: table,
    Key: keys.member(nodeId),
    UpdateExpression: ['SET lastHeartbeatAt = :now', ...reported.map(([k]) => `${k} = :${k}`)].join(', '),
    // The member exists and this is its current credential; the time never goes backwards.
    ConditionExpression: 'credentialHash = :hash AND (attribute_not_exists(lastHeartbeatAt) OR lastHeartbeatAt < :now)',
    ExpressionAttributeValues: { ':now': now, ':hash': credentialHash, ...Object.fromEntries(reported.map(([k, v]) => [`:${k}`, v])) },
    ReturnValues: 'ALL_NEW',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  } as const;
};

/**
 * A heartbeat: ONE conditional write that is also the credential check. A removed member
 * (no item) or a credential re-issued since (another hash) is `invalid-credential`; a later
 * heartbeat that already counted answers the member as it stands.
 */
export async function recordHeartbeat(input: {
  nodeId: number;
  credentialHash: string;
  now: number;
  machine?: Machine;
}): Promise<{ kind: 'done'; member: Member } | { kind: 'invalid-credential' }> {
  try {
    const { Attributes } = await documents.send(
      new UpdateCommand(heartbeatWrite(TABLE, input.nodeId, input.credentialHash, input.now, input.machine)),
    );
    return { kind: 'done', member: memberFromItem(Attributes!) };
  } catch (err) {
    const failed = conditionFailure(err);
    if (!failed) throw err;
    if (failed.item?.credentialHash === input.credentialHash) return { kind: 'done', member: memberFromItem(failed.item) };
    return { kind: 'invalid-credential' };
  }
}

/**
 * A transaction of one condition check on the member (see ./member-parts.ts): for a caller
 * that must prove its credential before it is refused for something else.
 */
export async function checkMember(nodeId: number, req: MemberRequirement): Promise<{ kind: 'done' } | MemberRefusal> {
  try {
    await documents.send(new TransactWriteCommand({ TransactItems: [memberCheck(nodeId, req)] }));
    return { kind: 'done' };
  } catch (err) {
    const credential = 'credentialHash' in req ? req.credentialHash : undefined;
    const refusal = memberRefusal(cancellationReasons(err)?.[0], credential);
    if (refusal) return refusal;
    throw err;
  }
}

/** A health transition the watcher judged: the member as read, its new health, and the entry that records it. */
export interface HealthTransition {
  member: Member;
  health: { healthy: boolean; stableSince: number };
  audit: AuditEntry;
}

/** DynamoDB takes 100 actions a transaction: 50 transitions, each its update and its audit entry. */
export const HEALTH_TRANSITIONS_PER_WRITE = 50;

/** A transition's cancellation reasons that mean its member moved on (or was being changed) since the pass read it. */
const MOVED_ON = new Set(['ConditionalCheckFailed', 'TransactionConflict']);

/** The transition's conditional update (its audit entry goes beside it). */
function healthUpdate({ member, health }: HealthTransition) {
  const wasUnset = member.healthy === undefined;
  const silentSince = !health.healthy && member.lastHeartbeatAt !== undefined;
  return {
    Update: {
      TableName: TABLE,
      Key: keys.member(member.nodeId),
      UpdateExpression: 'SET healthy = :healthy, stableSince = :since',
      // Only the transition judged: the member exists, its persisted health is still the one read
      // (a concurrent pass records it once), and a failure only while no heartbeat came since.
      ConditionExpression: [
        'attribute_exists(PK)',
        wasUnset ? 'attribute_not_exists(healthy)' : 'healthy = :was',
        ...(silentSince ? ['lastHeartbeatAt = :beat'] : []),
      ].join(' AND '),
      ExpressionAttributeValues: {
        ':healthy': health.healthy,
        ':since': health.stableSince,
        ...(wasUnset ? {} : { ':was': member.healthy }),
        ...(silentSince ? { ':beat': member.lastHeartbeatAt } : {}),
      },
    },
  };
}

/**
 * Persists up to HEALTH_TRANSITIONS_PER_WRITE health transitions (`healthy` and its
 * `stableSince`), each with its audit entry, in one transaction: a partition that fails
 * thousands of members is a few hundred writes, not one a member. Each entry is written if
 * and only if its change is. `moved` for a transition whose member moved on since it was read
 * (removed, recorded by another pass, heard from again) or was contended: the transaction is
 * sent again without it. Outcomes in the transitions' order.
 */
export async function recordHealth(transitions: readonly HealthTransition[], now: number): Promise<('done' | 'moved')[]> {
  if (transitions.length > HEALTH_TRANSITIONS_PER_WRITE) throw new Error(`at most ${HEALTH_TRANSITIONS_PER_WRITE} transitions a write`);
  const outcomes: ('done' | 'moved')[] = transitions.map(() => 'done');
  let pending = transitions.map((_, i) => i);
  while (pending.length > 0) {
    try {
      await documents.send(
        new TransactWriteCommand({
          TransactItems: pending.flatMap((i) => [healthUpdate(transitions[i]!), auditPut(transitions[i]!.audit, now)]),
        }),
      );
      return outcomes;
    } catch (err) {
      const reasons = cancellationReasons(err);
      if (!reasons) throw err;
      // Each transition's update is at 2k: lost to a concurrent change of its member, the next pass looks again.
      const lost = new Set(pending.filter((_, k) => MOVED_ON.has(reasons[2 * k]?.code ?? '')));
      // A cancellation that names no member that moved (a throttled write, say) is a fault: the pass fails, the next one retries.
      if (lost.size === 0) throw err;
      for (const i of lost) outcomes[i] = 'moved';
      pending = pending.filter((i) => !lost.has(i));
    }
  }
  return outcomes;
}

export type RotateOutcome = { kind: 'done' } | { kind: 'missing' } | { kind: 'invalid-credential' } | { kind: 'unclaimed' };

/**
 * A new node credential for the member, in one conditional write with its audit entry.
 * With `own` (the node's own rotation) only while the credential it called with is still
 * the member's; otherwise only a member a node has joined as (`unclaimed`: none has).
 */
export async function rotateCredential(input: {
  nodeId: number;
  credential: StoredCredential;
  own?: string;
  audit: AuditEntry;
}): Promise<RotateOutcome> {
  const { own } = input;
  try {
    await documents.send(
      auditedUpdate(
        {
          Key: keys.member(input.nodeId),
          UpdateExpression: 'SET credentialHash = :hash, credentialId = :id',
          ConditionExpression: own
            ? // The node's own: only while the credential it called with is still the member's.
              'credentialHash = :own'
            : // An admin's: only a member a node has joined as (an unclaimed Sensu member has no credential).
              'attribute_exists(credentialHash)',
          ExpressionAttributeValues: {
            ':hash': input.credential.hash,
            ':id': input.credential.credentialId,
            ...(own ? { ':own': own } : {}),
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
        input.audit,
      ),
    );
    return { kind: 'done' };
  } catch (err) {
    const reason = cancellationReasons(err)?.[0];
    if (reason?.code !== 'ConditionalCheckFailed') throw err;
    if (own) return { kind: 'invalid-credential' };
    return reason.item ? { kind: 'unclaimed' } : { kind: 'missing' };
  }
}
