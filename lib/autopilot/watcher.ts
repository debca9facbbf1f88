import { revokeLeasesOf } from '../cluster/leases';
import { electLeader } from '../cluster/leader';
import type { Member } from '../cluster/member';
import { ensureClusterMeta, type ClusterMeta } from '../cluster/meta';
import { listMembers } from '../cluster/member-reads';
import { HEALTH_TRANSITIONS_PER_WRITE, recordHealth } from '../cluster/member-state-store';
import { promote, remove } from '../cluster/member-store';
import { promotionError, removalError } from '../cluster/refusals';
import { leaseLapsed } from '../cluster/rules';
import { config } from '../config';
import { chunks, eachBounded } from '../store/parallel';
import { completeDueDrains } from '../drain/completion';
import { failedFor, healthOf, isDead, promotable, removalBreaksQuorum } from './rules';

/**
 * One pass of the scheduled watcher (EventBridge every minute on AWS; locally every
 * ROSTER_WATCHER_INTERVAL_SECONDS). It reads the cluster item and then the members
 * (consistent, in parallel key-range Queries), and in order:
 *   1. persists health transitions (`healthy`, `stableSince`);
 *   2. promotes nonvoters healthy for the stabilization time;
 *   3. elects a leader when the leader lease has lapsed;
 *   4. removes dead servers, never below the minimum quorum nor a healthy quorum;
 *   5. completes drains past their deadline or with no live lease left.
 * Each change is a conditional write that checks what this pass saw, with its audit
 * entry; two passes at once (overlapping schedules) therefore never promote twice,
 * remove twice or elect two leaders: the loser's write fails, and it moves on.
 */

export interface PassReport {
  health: { nodeId: number; healthy: boolean; stableSince: string }[];
  promoted: number[];
  elected?: { leaderNodeId: number; raftTerm: number };
  removed: number[];
  drained: number[];
  /** What the pass chose not to do, or lost to a concurrent change, and why. */
  skipped: { nodeId: number; step: 'health' | 'promote' | 'remove'; reason: string }[];
}

const ACTOR = 'system:autopilot';
/**
 * Health transitions are independent conditional writes, HEALTH_TRANSITIONS_PER_WRITE to a
 * transaction and this many transactions in flight, so a partition that fails 10,000 members
 * is recorded within one schedule period (a minute) in some 200 writes.
 */
const HEALTH_WRITES_IN_FLIGHT = 4;

export async function watcherPass(now: number, requestId: string, settings = config.autopilot): Promise<PassReport> {
  const thresholdMs = settings.lastContactThresholdSeconds * 1000;
  const report: PassReport = { health: [], promoted: [], removed: [], drained: [], skipped: [] };
  // The cluster item first: its voterCount then guards every removal against any change of voters after it.
  let meta: ClusterMeta = await ensureClusterMeta(true);
  let members: Member[] = await listMembers(true);
  // The pass's own copies: each write it makes is applied to them in place, for the steps after it.
  const byId = new Map(members.map((m) => [m.nodeId, m]));
  const update = (nodeId: number, change: Partial<Member>) => void Object.assign(byId.get(nodeId)!, change);
  const audit = (action: string, nodeId: number, details: Record<string, unknown>) => ({
    actor: ACTOR,
    action,
    target: `member:${nodeId}`,
    requestId,
    details,
  });
  /** A write whose outcome is a refusal (it lost to a concurrent change) is skipped for this pass; a fault throws. */
  const skip = (nodeId: number, step: PassReport['skipped'][number]['step'], reason: string) =>
    void report.skipped.push({ nodeId, step, reason });

  // 1. Health transitions: independent writes, a bounded number in flight (a partition can fail many members at once).
  const transitions = members.map((m) => ({ m, health: healthOf(m, now, thresholdMs) })).filter((t) => t.health.changed);
  await eachBounded(chunks(transitions, HEALTH_TRANSITIONS_PER_WRITE), HEALTH_WRITES_IN_FLIGHT, async (write) => {
    const judged = write.map(({ m, health }) => {
      const details = { healthy: health.healthy, stableSince: new Date(health.stableSince).toISOString() };
      return { member: m, health, details, audit: audit('member.health', m.nodeId, details) };
    });
    const outcomes = await recordHealth(judged, now);
    for (const [i, { member: m, health, details }] of judged.entries()) {
      if (outcomes[i] === 'done') {
        update(m.nodeId, { healthy: health.healthy, stableSince: health.stableSince });
        report.health.push({ nodeId: m.nodeId, ...details });
      } else {
        skip(m.nodeId, 'health', 'changed concurrently');
      }
    }
  });
  report.health.sort((a, b) => a.nodeId - b.nodeId);

  // 2. Promotions.
  let voterCount = meta.voterCount;
  for (const m of members.filter((m) => promotable(m, now, settings))) {
    const stable = { stableSince: m.stableSince!, aliveSince: now - thresholdMs };
    const details = { reason: 'stable', stableSince: new Date(stable.stableSince).toISOString() };
    const promoted = await promote({
      nodeId: m.nodeId,
      certFingerprint: m.certFingerprint,
      now,
      audit: audit('member.promote', m.nodeId, details),
      stable,
    });
    if (promoted.kind !== 'done') {
      skip(m.nodeId, 'promote', promotionError(m.nodeId, promoted).message);
      continue;
    }
    update(m.nodeId, { suffrage: 'voter' });
    voterCount++;
    report.promoted.push(m.nodeId);
  }

  // 3. Leader election, when the lease has lapsed (a heartbeat may win the race: then it is held).
  if (leaseLapsed(meta, now)) {
    const election = await electLeader(now, ACTOR, requestId, { meta, members });
    if (election.kind === 'elected') {
      meta = { ...meta, leaderNodeId: election.leaderNodeId, raftTerm: election.raftTerm };
      report.elected = { leaderNodeId: election.leaderNodeId, raftTerm: election.raftTerm };
    } else if (election.kind === 'held') {
      meta = election.meta;
    }
  }

  // 4. Dead servers, one at a time, each judged on the members the earlier removals left.
  for (const m of members.filter((m) => isDead(m, meta.leaderNodeId, now, settings))) {
    const refusal = removalBreaksQuorum(members, m.nodeId, now, settings);
    if (refusal) {
      skip(m.nodeId, 'remove', `dead, but kept: ${refusal}`);
      continue;
    }
    const details = {
      reason: 'dead',
      failedForSeconds: Math.floor(failedFor(m, now, thresholdMs)! / 1000),
      suffrage: m.suffrage,
      drainState: m.drainState,
    };
    const removed = await remove({ seen: m, force: true, now, audit: audit('member.remove', m.nodeId, details), dead: { voterCount } });
    if (removed.kind !== 'done') {
      skip(m.nodeId, 'remove', removalError(m.nodeId, true, removed).message);
      continue;
    }
    await revokeLeasesOf(m.nodeId, now);
    if (m.suffrage === 'voter') voterCount--;
    members = members.filter((x) => x.nodeId !== m.nodeId);
    report.removed.push(m.nodeId);
  }

  // 5. Due drains: past the deadline, or no live lease left (their executions lost, failed or never started).
  report.drained = await completeDueDrains(members, now, requestId);
  return report;
}

/** Whether a pass did anything worth a log line of its own. */
export const passChanged = (r: PassReport): boolean =>
  r.health.length + r.promoted.length + r.removed.length + r.drained.length + r.skipped.length > 0 || r.elected !== undefined;
