import { config } from '../config';
import { Forbidden } from '../errors';
import { electLeader, renewLeader } from './leader';
import { getClusterMeta, type ClusterMeta } from './meta';
import { recordHeartbeat } from './repository';
import { leaseLapsed, mayLead } from './rules';

/**
 * POST /cluster/members/{id}/heartbeat: records liveness in one conditional write (which
 * also checks the node credential), then keeps the leader lease: the leader renews it;
 * when it has lapsed, an active voter's heartbeat elects the healthiest active voter.
 */
export async function heartbeat(input: { nodeId: number; caller: { nodeId: number; credentialHash: string }; requestId: string }) {
  if (input.caller.nodeId !== input.nodeId) throw new Forbidden('A node may heartbeat only for its own id');
  const now = Date.now();
  const member = await recordHeartbeat(input.nodeId, input.caller.credentialHash, now);
  let meta = await getClusterMeta(true);
  if (mayLead(member)) meta = await keepLease(member.nodeId, meta, now, input.requestId);
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
    if (renewal.renewed || !leaseLapsed(renewal.meta, now)) return renewal.meta;
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
