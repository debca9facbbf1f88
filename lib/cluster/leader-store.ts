import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { auditPut } from '../audit/audit';
import { config } from '../config';
import { documents, TABLE } from '../store/client';
import { cancellationReasons, conditionFailure } from '../store/conditions';
import { keys } from '../store/keys';
import type { Member } from './member';
import { memberCheck } from './member-parts';
import { toMeta, type ClusterMeta } from './meta';
import { leaseLapsed } from './rules';

/**
 * The leader lease's writes on the cluster item (leaderNodeId, leaderExpiresAt,
 * leaderFingerprint, raftTerm): take it in a new term, renew it, give it up. The counters
 * on the same item are the member store's (./member-store.ts); a join's first voter takes
 * the lease inside the join's own transaction (./member-join-store.ts).
 */

export type Election =
  | { kind: 'elected'; leaderNodeId: number; raftTerm: number }
  /** Someone holds an unexpired lease (possibly just taken by a concurrent election). */
  | { kind: 'held'; meta: ClusterMeta }
  /** No active voter has heartbeated within the threshold. */
  | { kind: 'none' };

const leaseMs = () => config.leaderLeaseSeconds * 1000;

/**
 * One transaction: the candidate is still an active voter, and the cluster item still
 * shows the term (and lapse, or holder) that was read. Raises the term.
 */
export async function takeLease(how: {
  candidate: Member;
  seen: ClusterMeta;
  now: number;
  expected: 'lapsed' | 'holder';
  actor: string;
  requestId: string;
}): Promise<Election | { kind: 'retry' }> {
  const { candidate, seen, now } = how;
  const raftTerm = seen.raftTerm + 1;
  try {
    await documents.send(
      new TransactWriteCommand({
        TransactItems: [
          memberCheck(candidate.nodeId, { kind: 'active-voter' }),
          {
            Update: {
              TableName: TABLE,
              Key: keys.clusterMeta(),
              UpdateExpression: 'SET leaderNodeId = :id, leaderExpiresAt = :exp, leaderFingerprint = :fp, raftTerm = :next',
              // One winner per term: the term read is still current, and the lease is still lapsed (or still the holder's).
              ConditionExpression:
                how.expected === 'lapsed'
                  ? 'raftTerm = :term AND (leaderNodeId = :none OR leaderExpiresAt <= :now OR attribute_not_exists(leaderExpiresAt))'
                  : 'raftTerm = :term AND leaderNodeId = :from',
              ExpressionAttributeValues: {
                ':id': candidate.nodeId,
                ':exp': now + leaseMs(),
                ':fp': candidate.certFingerprint,
                ':next': raftTerm,
                ':term': seen.raftTerm,
                ...(how.expected === 'lapsed' ? { ':none': 0, ':now': now } : { ':from': seen.leaderNodeId }),
              },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
          auditPut(
            {
              actor: how.actor,
              action: how.expected === 'lapsed' ? 'leader.elect' : 'leader.transfer',
              target: `member:${candidate.nodeId}`,
              requestId: how.requestId,
              details: { raftTerm, previousLeader: seen.leaderNodeId },
            },
            now,
          ),
        ],
      }),
    );
    return { kind: 'elected', leaderNodeId: candidate.nodeId, raftTerm };
  } catch (err) {
    const reasons = cancellationReasons(err);
    if (!reasons) throw err;
    const meta = reasons[1];
    if (meta?.code === 'ConditionalCheckFailed' && meta.item) {
      const current = toMeta(meta.item);
      if (!leaseLapsed(current, now)) return { kind: 'held', meta: current };
    }
    return { kind: 'retry' };
  }
}

/**
 * The leader's heartbeat extends its lease, only while it still holds it unexpired in
 * that term. Returns the cluster item as written, or as it stood when the renewal was refused.
 */
export async function renewLeader(
  nodeId: number,
  raftTerm: number,
  now: number,
): Promise<{ kind: 'done'; meta: ClusterMeta } | { kind: 'moved'; current: ClusterMeta }> {
  try {
    const { Attributes } = await documents.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: keys.clusterMeta(),
        UpdateExpression: 'SET leaderExpiresAt = :exp',
        // A lapsed lease is not renewed but re-elected, with a new term.
        ConditionExpression: 'leaderNodeId = :me AND raftTerm = :term AND leaderExpiresAt > :now',
        ExpressionAttributeValues: { ':exp': now + leaseMs(), ':me': nodeId, ':term': raftTerm, ':now': now },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { kind: 'done', meta: toMeta(Attributes!) };
  } catch (err) {
    const failed = conditionFailure(err);
    if (!failed?.item) throw err;
    return { kind: 'moved', current: toMeta(failed.item) };
  }
}

/** The leader gives up its lease without a successor (a forced drain): the cluster has no leader until the next election. */
export async function abdicate(nodeId: number): Promise<{ kind: 'done' } | { kind: 'moved' }> {
  try {
    await documents.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: keys.clusterMeta(),
        UpdateExpression: 'SET leaderNodeId = :none, leaderExpiresAt = :zero REMOVE leaderFingerprint',
        // Only the holder's own lease; the term stays, and the next election raises it.
        ConditionExpression: 'leaderNodeId = :me',
        ExpressionAttributeValues: { ':none': 0, ':zero': 0, ':me': nodeId },
      }),
    );
    return { kind: 'done' };
  } catch (err) {
    if (conditionFailure(err)) return { kind: 'moved' };
    throw err;
  }
}
