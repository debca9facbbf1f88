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
 * The cluster item as this container last read or wrote it, reused for a moment (at most a
 * fifth of the leader lease), whatever it says — a lapsed lease, no leader, a failed
 * election included: every steady-state heartbeat then makes its one write (the leader's
 * also renews its lease) and reads nothing. Every decision about leadership is still a
 * conditional write (renewal, election), so a reused copy can only make an answer's
 * leaderNodeId/raftTerm up to that moment old.
 */
let reused: { meta: ClusterMeta; until: number } | undefined;
/** When this container last tried an election: at most one attempt per reuse window. */
let electedAt = -Infinity;
const reuseMs = () => Math.min(1_000, config.leaderLeaseSeconds * 200);

function remember(meta: ClusterMeta, now: number): ClusterMeta {
  reused = { meta, until: now + reuseMs() };
  return meta;
}

/** The reused copy while it is fresh; otherwise one consistent read, remembered (`read`: made by this call, so an election may decide on it). */
async function clusterMeta(now: number): Promise<{ meta: ClusterMeta; read: boolean }> {
  if (reused && reused.until > now) return { meta: reused.meta, read: false };
  return { meta: remember(await ensureClusterMeta(true), now), read: true };
}

/**
 * POST /cluster/members/{id}/heartbeat: records liveness in one conditional write (which
 * also checks the node credential), then keeps the leader lease: the leader renews it;
 * when it has lapsed, an active voter's heartbeat elects the healthiest active voter (one
 * attempt per container per reuse window). `isLeader` is true only when this very call's
 * write renewed or took the lease for the caller.
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
  const { meta, read } = await clusterMeta(now);
  let lease: Lease = { meta, leads: false };
  if (mayLead(member)) lease = await keepLease(member.nodeId, { meta, read }, now, input.requestId);
  return {
    drainState: member.drainState,
    suffrage: member.suffrage,
    isLeader: lease.leads,
    leaderNodeId: lease.meta.leaderNodeId,
    raftTerm: lease.meta.raftTerm,
    heartbeatIntervalSeconds: config.heartbeatIntervalSeconds,
  };
}

/** The cluster item after an active voter's heartbeat, and whether this call's own write made the caller the leader. */
interface Lease {
  meta: ClusterMeta;
  leads: boolean;
}

/**
 * `seen.read`: the cluster item was read consistently by this very call (not the reused
 * copy), or a refused renewal returned it as it stands: an election decides on it first.
 */
async function keepLease(nodeId: number, seen: { meta: ClusterMeta; read: boolean }, now: number, requestId: string): Promise<Lease> {
  let { meta, read } = seen;
  if (meta.leaderNodeId === nodeId && !leaseLapsed(meta, now)) {
    const renewal = await renewLeader(nodeId, meta.raftTerm, now);
    if (renewal.kind === 'done') return { meta: remember(renewal.meta, now), leads: true };
    meta = remember(renewal.current, now);
    read = true;
  }
  if (!leaseLapsed(meta, now) || now - electedAt < reuseMs()) return { meta, leads: false };
  electedAt = now;
  const election = await electLeader(now, `node:${nodeId}`, requestId, read ? { meta } : undefined);
  switch (election.kind) {
    case 'held':
      return { meta: remember(election.meta, now), leads: false };
    case 'elected': {
      const elected = {
        ...meta,
        leaderNodeId: election.leaderNodeId,
        raftTerm: election.raftTerm,
        leaderExpiresAt: now + config.leaderLeaseSeconds * 1000,
      };
      return { meta: remember(elected, now), leads: election.leaderNodeId === nodeId };
    }
    case 'none':
      // Nobody may lead now: that too is remembered for the window, like any other state.
      return { meta: remember(meta, now), leads: false };
  }
}
