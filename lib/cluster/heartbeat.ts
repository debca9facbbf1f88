import { config } from '../config';
import { Forbidden } from '../errors';
import { electLeader, renewLeader } from './leader';
import type { Machine } from './member';
import { ensureClusterMeta, type ClusterMeta } from './meta';
import { verifyNodeCredential } from '../identity/node-credentials';
import { recordHeartbeat } from './member-state-store';
import { invalidNodeCredential } from './refusals';
import { leaseLapsed, mayLead } from './rules';

/**
 * The cluster item as this Lambda last read it, reused for a moment (at most a fifth of the
 * leader lease): a follower's heartbeat then makes its one write and reads nothing. Every
 * decision about leadership is still a conditional write (renewal, election), so a reused
 * copy can only make an answer's leaderNodeId/raftTerm a moment old; one whose lease has
 * lapsed is never trusted.
 */
let reused: { meta: ClusterMeta; until: number } | undefined;
const reuseMs = () => Math.min(1_000, config.leaderLeaseSeconds * 200);

async function clusterMeta(now: number): Promise<ClusterMeta> {
  if (reused && reused.until > now && !leaseLapsed(reused.meta, now)) return reused.meta;
  return remember(await ensureClusterMeta(true), now);
}

function remember(meta: ClusterMeta, now: number): ClusterMeta {
  reused = { meta, until: now + reuseMs() };
  return meta;
}

/**
 * POST /cluster/members/{id}/heartbeat: records liveness in one conditional write (which
 * also checks the node credential), then keeps the leader lease: the leader renews it;
 * when it has lapsed, an active voter's heartbeat elects the healthiest active voter.
 */
export async function heartbeat(input: {
  nodeId: number;
  caller: { nodeId: number; credentialHash: string };
  requestId: string;
  machine?: Machine;
}) {
  if (input.caller.nodeId !== input.nodeId) {
    await verifyNodeCredential(input.caller); // an invalid credential is 401, not told whose id this is
    throw new Forbidden('A node may heartbeat only for its own id');
  }
  const now = Date.now();
  const recorded = await recordHeartbeat({
    nodeId: input.nodeId,
    credentialHash: input.caller.credentialHash,
    now,
    machine: input.machine,
  });
  if (recorded.kind === 'invalid-credential') throw invalidNodeCredential();
  const member = recorded.member;
  let meta = await clusterMeta(now);
  if (mayLead(member)) meta = remember(await keepLease(member.nodeId, meta, now, input.requestId), now);
  return {
    drainState: member.drainState,
    suffrage: member.suffrage,
    isLeader: meta.leaderNodeId === member.nodeId,
    leaderNodeId: meta.leaderNodeId,
    raftTerm: meta.raftTerm,
    heartbeatIntervalSeconds: config.heartbeatIntervalSeconds,
  };
}

async function keepLease(nodeId: number, meta: ClusterMeta, now: number, requestId: string): Promise<ClusterMeta> {
  if (meta.leaderNodeId === nodeId && !leaseLapsed(meta, now)) {
    const renewal = await renewLeader(nodeId, meta.raftTerm, now);
    if (renewal.kind === 'done') return renewal.meta;
    if (!leaseLapsed(renewal.current, now)) return renewal.current;
  } else if (!leaseLapsed(meta, now)) {
    return meta;
  }
  const election = await electLeader(now, `node:${nodeId}`, requestId);
  switch (election.kind) {
    case 'held':
      return election.meta;
    case 'elected':
      return { ...meta, leaderNodeId: election.leaderNodeId, raftTerm: election.raftTerm };
    case 'none':
      return meta;
  }
}
