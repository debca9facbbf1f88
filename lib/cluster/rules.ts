import type { Member } from './member';

/** What the members list says of a node's liveness. Autopilot adds `left` for its own view. */
export type NodeStatus = 'alive' | 'failed' | 'unknown';

/**
 * `unknown` until its first heartbeat (a member added through Sensu Go), `alive` while its
 * last heartbeat is within the threshold, `failed` after.
 */
export function nodeStatus(member: Pick<Member, 'lastHeartbeatAt'>, now: number, thresholdMs: number): NodeStatus {
  if (member.lastHeartbeatAt === undefined) return 'unknown';
  return now - member.lastHeartbeatAt <= thresholdMs ? 'alive' : 'failed';
}

/** Only an active voter may lead: a draining, drained or removed member never does. */
export const mayLead = (member: Pick<Member, 'suffrage' | 'drainState'>): boolean =>
  member.suffrage === 'voter' && member.drainState === 'active';

/**
 * The healthiest active voter: the freshest heartbeat within the threshold, ties to the
 * lowest node id. `undefined` when none qualifies. `except` leaves one member out (the
 * leader handing its lease over).
 */
export function healthiestVoter(members: readonly Member[], now: number, thresholdMs: number, except?: number): Member | undefined {
  let best: Member | undefined;
  for (const m of members) {
    if (m.nodeId === except || !mayLead(m) || nodeStatus(m, now, thresholdMs) !== 'alive') continue;
    if (!best || m.lastHeartbeatAt! > best.lastHeartbeatAt! || (m.lastHeartbeatAt === best.lastHeartbeatAt && m.nodeId < best.nodeId)) {
      best = m;
    }
  }
  return best;
}

/** The leader lease as it stands on the cluster item. */
export interface LeaderLease {
  leaderNodeId: number;
  /** Epoch ms; 0 when no one holds it. */
  leaderExpiresAt: number;
  raftTerm: number;
}

/** The lease is free to take: nobody holds it, or its holder let it lapse. */
export const leaseLapsed = (lease: LeaderLease, now: number): boolean => lease.leaderNodeId === 0 || lease.leaderExpiresAt <= now;

/**
 * The leader, or 0 when nobody holds an unexpired leader lease: what every view says (the
 * member list's `isLeader`, autopilot, status), so that they agree once a lease lapses.
 */
export const currentLeader = (lease: LeaderLease, now: number): number => (leaseLapsed(lease, now) ? 0 : lease.leaderNodeId);

/** Why a member may not be removed, or `undefined` when it may (`force` skips the drain rule, never the leader rule). */
export function removalRefusal(member: Pick<Member, 'nodeId' | 'drainState'>, leaderNodeId: number, force: boolean): string | undefined {
  if (member.nodeId === leaderNodeId) return `Cluster member ${member.nodeId} is the leader and cannot be removed`;
  if (!force && member.drainState !== 'drained')
    return `Cluster member ${member.nodeId} must be drained before removal (or pass force=true)`;
  return undefined;
}

/**
 * The form in which two peer URLs are the same URL (scheme and host lower-cased, a default
 * port dropped, an empty path as `/`): what the uniqueness of a member's peer URLs compares.
 */
export function canonicalPeerUrl(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}
