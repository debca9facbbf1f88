import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { auditPut } from '../audit/audit';
import { config } from '../config';
import { Contention } from '../errors';
import { documents, TABLE } from '../store/client';
import { cancellationReasons, conditionFailure } from '../store/conditions';
import { keys } from '../store/keys';
import { AGAIN, withContention } from '../store/retry';
import type { Member } from './member';
import { ensureClusterMeta, toMeta, type ClusterMeta } from './meta';
import { readMintedCluster } from './repository';
import { healthiestVoter, leaseLapsed } from './rules';

/**
 * The leader lease lives on the cluster item: `leaderNodeId`, `leaderExpiresAt` (epoch
 * ms) and `raftTerm`, its fencing token. A holder renews it while it is unexpired; once
 * it lapses, whoever takes it raises the term with a conditional write on the term it
 * read, so under any race there is one leader per term and terms strictly increase.
 */

export type Election =
  | { kind: 'elected'; leaderNodeId: number; raftTerm: number }
  /** Someone holds an unexpired lease (possibly just taken by a concurrent election). */
  | { kind: 'held'; meta: ClusterMeta }
  /** No active voter has heartbeated within the threshold. */
  | { kind: 'none' };

export type Transfer =
  | { kind: 'transferred'; leaderNodeId: number; raftTerm: number }
  | { kind: 'not-leader'; meta: ClusterMeta }
  /** No other active voter is healthy: the caller decides (drain: 409, or force and abdicate). */
  | { kind: 'no-candidate' };

const thresholdMs = () => config.autopilot.lastContactThresholdSeconds * 1000;
const leaseMs = () => config.leaderLeaseSeconds * 1000;

/**
 * Takes a lapsed leader lease for the healthiest active voter (heartbeats, and the
 * watcher, call this). Does nothing while the lease is held. `seen` is a consistent read
 * the caller already made (the watcher's pass): the first attempt decides on it, and only
 * a lost race reads again.
 */
export async function electLeader(
  now: number,
  actor = 'system',
  requestId = 'election',
  seen?: { meta: ClusterMeta; members: readonly Member[] },
): Promise<Election> {
  try {
    return await withContention<Election>(
      async (attempt) => {
        const { meta, members } = attempt === 0 && seen ? seen : await readMintedCluster(true);
        if (!leaseLapsed(meta, now)) return { kind: 'held', meta };
        const candidate = healthiestVoter(members, now, thresholdMs());
        if (!candidate) return { kind: 'none' };
        const taken = await takeLease(candidate, meta, now, { expected: 'lapsed', actor, requestId });
        return taken.kind === 'retry' ? AGAIN : taken;
      },
      { attempts: 3, message: 'The leader election kept losing to concurrent changes; retry' },
    );
  } catch (err) {
    // Every round lost to someone raising the term: whoever won holds it now.
    if (err instanceof Contention) return { kind: 'held', meta: await ensureClusterMeta(true) };
    throw err;
  }
}

/**
 * Hands the lease of `fromNodeId` to the healthiest OTHER active voter (drain calls this
 * when the leader starts draining), with a new term.
 */
export async function transferLeadership(fromNodeId: number, now: number, actor = 'system', requestId = 'transfer'): Promise<Transfer> {
  return withContention<Transfer>(
    async () => {
      const { meta, members } = await readMintedCluster(true);
      if (meta.leaderNodeId !== fromNodeId) return { kind: 'not-leader', meta };
      const candidate = healthiestVoter(members, now, thresholdMs(), fromNodeId);
      if (!candidate) return { kind: 'no-candidate' };
      const taken = await takeLease(candidate, meta, now, { expected: 'holder', actor, requestId });
      if (taken.kind === 'elected') return { kind: 'transferred', leaderNodeId: taken.leaderNodeId, raftTerm: taken.raftTerm };
      if (taken.kind === 'held' && taken.meta.leaderNodeId !== fromNodeId) return { kind: 'not-leader', meta: taken.meta };
      return AGAIN;
    },
    { attempts: 3, message: `Leadership of node ${fromNodeId} could not be transferred under contention; retry` },
  );
}

/**
 * One transaction: the candidate is still an active voter, and the cluster item still
 * shows the term (and lapse, or holder) that was read. Raises the term.
 */
async function takeLease(
  candidate: Member,
  seen: ClusterMeta,
  now: number,
  how: { expected: 'lapsed' | 'holder'; actor: string; requestId: string },
): Promise<Election | { kind: 'retry' }> {
  const raftTerm = seen.raftTerm + 1;
  try {
    await documents.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            ConditionCheck: {
              TableName: TABLE,
              Key: keys.member(candidate.nodeId),
              // A draining, drained or removed member never leads, nor does a nonvoter.
              ConditionExpression: 'drainState = :active AND suffrage = :voter',
              ExpressionAttributeValues: { ':active': 'active', ':voter': 'voter' },
            },
          },
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
export async function renewLeader(nodeId: number, raftTerm: number, now: number): Promise<{ renewed: boolean; meta: ClusterMeta }> {
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
    return { renewed: true, meta: toMeta(Attributes!) };
  } catch (err) {
    const failed = conditionFailure(err);
    if (!failed?.item) throw err;
    return { renewed: false, meta: toMeta(failed.item) };
  }
}

/** The leader gives up its lease without a successor (a forced drain): the cluster has no leader until the next election. */
export async function abdicate(nodeId: number): Promise<boolean> {
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
    return true;
  } catch (err) {
    if (conditionFailure(err)) return false;
    throw err;
  }
}
