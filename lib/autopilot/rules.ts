import type { Member } from '../cluster/member';
import { currentLeader, nodeStatus, type LeaderLease } from '../cluster/rules';

/**
 * Autopilot's pure rules, after Consul's: which servers are healthy, how many failures
 * the voters can take, which nonvoters have earned a vote, and which dead servers may go
 * without breaking quorum. No I/O; every time is an argument.
 */

export interface AutopilotSettings {
  lastContactThresholdSeconds: number;
  serverStabilizationSeconds: number;
  cleanupDeadServers: boolean;
  deadServerSeconds: number;
  minQuorum: number;
}

/** `left` is a drained member: it has gracefully left service and waits to be removed. */
export type ServerStatus = 'alive' | 'failed' | 'left' | 'unknown';

export const quorumOf = (voters: number): number => Math.floor(voters / 2) + 1;

export const failureTolerance = (voters: number, healthyVoters: number): number => Math.max(0, healthyVoters - quorumOf(voters));

/** Healthy: the last heartbeat is within the threshold. A member that never heartbeated is not. */
export const isHealthy = (member: Pick<Member, 'lastHeartbeatAt'>, now: number, thresholdMs: number): boolean =>
  nodeStatus(member, now, thresholdMs) === 'alive';

export const serverStatus = (member: Pick<Member, 'lastHeartbeatAt' | 'drainState'>, now: number, thresholdMs: number): ServerStatus =>
  member.drainState === 'drained' ? 'left' : nodeStatus(member, now, thresholdMs);

export interface Health {
  healthy: boolean;
  /** Epoch ms of the last change of `healthy`. */
  stableSince: number;
  /** The watcher has not persisted this state yet. */
  changed: boolean;
}

/**
 * Health now, and since when. While the watcher has not yet persisted a change, the
 * moment is taken from the heartbeat times: a member that went silent became unhealthy
 * when its last heartbeat aged past the threshold (exact); one that came back has been
 * healthy at least since its last heartbeat (never earlier than the truth, so a
 * promotion never comes early).
 */
export function healthOf(
  member: Pick<Member, 'lastHeartbeatAt' | 'createdAt' | 'healthy' | 'stableSince'>,
  now: number,
  thresholdMs: number,
): Health {
  const healthy = isHealthy(member, now, thresholdMs);
  if (member.healthy === healthy && member.stableSince !== undefined) return { healthy, stableSince: member.stableSince, changed: false };
  const beat = member.lastHeartbeatAt;
  const stableSince = beat === undefined ? member.createdAt : healthy ? beat : beat + thresholdMs;
  return { healthy, stableSince, changed: true };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** GET /cluster/autopilot: Consul's autopilot health, over Roster's members. */
export function autopilotView(lease: LeaderLease, members: readonly Member[], now: number, settings: AutopilotSettings) {
  const thresholdMs = settings.lastContactThresholdSeconds * 1000;
  const leaderNodeId = currentLeader(lease, now);
  const sorted = [...members].sort((a, b) => a.nodeId - b.nodeId);
  const servers = sorted.map((m) => {
    const health = healthOf(m, now, thresholdMs);
    return {
      nodeId: m.nodeId,
      raftAddress: m.raftAddress,
      nodeStatus: serverStatus(m, now, thresholdMs),
      healthy: health.healthy,
      isLeader: m.nodeId === leaderNodeId,
      hasVotingRights: m.suffrage === 'voter',
      stableSince: iso(health.stableSince),
    };
  });
  const voters = servers.filter((s) => s.hasVotingRights);
  const healthyVoters = voters.filter((s) => s.healthy).length;
  return {
    // A cluster with no voter has no quorum to be healthy with.
    healthy: voters.length > 0 && healthyVoters === voters.length,
    failureTolerance: failureTolerance(voters.length, healthyVoters),
    leaderNodeId,
    voters: voters.map((s) => s.nodeId),
    servers,
  };
}

export type AutopilotView = ReturnType<typeof autopilotView>;

/**
 * A nonvoter that has stayed healthy for the stabilization time earns a vote; a draining
 * or drained one never does. Only on persisted health, which the promotion's write checks.
 */
export function promotable(member: Member, now: number, settings: AutopilotSettings): boolean {
  if (member.suffrage !== 'nonvoter' || member.drainState !== 'active') return false;
  const health = healthOf(member, now, settings.lastContactThresholdSeconds * 1000);
  return health.healthy && !health.changed && now - health.stableSince >= settings.serverStabilizationSeconds * 1000;
}

/** How long a member has been failed (ms), or undefined while it is alive or has never heartbeated. */
export function failedFor(member: Pick<Member, 'lastHeartbeatAt'>, now: number, thresholdMs: number): number | undefined {
  if (member.lastHeartbeatAt === undefined) return undefined;
  const failedAt = member.lastHeartbeatAt + thresholdMs;
  return now > failedAt ? now - failedAt : undefined;
}

/** Dead: failed for longer than the dead-server time. The leader and never-seen members are not candidates. */
export function isDead(member: Member, leaderNodeId: number, now: number, settings: AutopilotSettings): boolean {
  if (!settings.cleanupDeadServers || member.nodeId === leaderNodeId) return false;
  const failed = failedFor(member, now, settings.lastContactThresholdSeconds * 1000);
  return failed !== undefined && failed > settings.deadServerSeconds * 1000;
}

/**
 * Removing `nodeId` leaves at least `minQuorum` voters, and enough healthy voters for a
 * quorum of the voters left. Why not, or undefined when it may go.
 */
export function removalBreaksQuorum(
  members: readonly Member[],
  nodeId: number,
  now: number,
  settings: AutopilotSettings,
): string | undefined {
  const thresholdMs = settings.lastContactThresholdSeconds * 1000;
  const voters = members.filter((m) => m.nodeId !== nodeId && m.suffrage === 'voter');
  const healthy = voters.filter((m) => isHealthy(m, now, thresholdMs)).length;
  if (voters.length < settings.minQuorum)
    return `it would leave ${voters.length} voters, fewer than the minimum quorum of ${settings.minQuorum}`;
  if (healthy < quorumOf(voters.length)) return `it would leave ${healthy} healthy of ${voters.length} voters, short of a quorum`;
  return undefined;
}
