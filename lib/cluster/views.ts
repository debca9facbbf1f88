import type { Member } from './member';
import { nodeStatus } from './rules';

/**
 * How members are shown on the Ella surface.
 */

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** The canonical (Ella) wire shape of a member. */
export function memberView(member: Member, ctx: { leaderNodeId: number; now: number; thresholdMs: number; activeLeases: number }) {
  return {
    nodeId: member.nodeId,
    raftAddress: member.raftAddress,
    apiAddress: member.apiAddress,
    binaryVersion: member.binaryVersion,
    suffrage: member.suffrage,
    isLeader: member.nodeId === ctx.leaderNodeId,
    drainState: member.drainState,
    ...(member.drainUpdatedAt === undefined ? {} : { drainUpdatedAt: iso(member.drainUpdatedAt) }),
    // When the drain completes regardless: what a node's agent and an operator count down to.
    ...(member.drainState === 'draining' ? { drainDeadline: iso(member.drainDeadline) } : {}),
    nodeStatus: nodeStatus(member, ctx.now, ctx.thresholdMs),
    ...(member.lastHeartbeatAt === undefined ? {} : { lastHeartbeatAt: iso(member.lastHeartbeatAt) }),
    activeLeases: ctx.activeLeases,
  };
}

export type MemberView = ReturnType<typeof memberView>;
