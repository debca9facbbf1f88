import { config } from '../config';
import { apiAddressOf } from '../cluster/member-reads';
import { findClusterMeta } from '../cluster/meta';
import { currentLeader } from '../cluster/rules';

/** Roster's store schema has one version; Ella reports the binary's and the cluster's, equal outside an upgrade. */
export const SCHEMA_VERSION = 1;

/**
 * The role the answering API reports. Every Roster API instance accepts every write (the
 * table decides), so it answers as Ella's leader does and no Ella client redirects.
 */
export const API_ROLE = 'Leader';

/**
 * Ella Core's status. The API is no member (`nodeId: 0`) and leads in Ella's sense; the
 * member holding the leader lease is `leaderNodeId`, and `leaderAPIAddress` its address.
 * `appliedIndex` counts committed membership changes; `raftTerm` is the leader lease's term.
 * A read only: before anything minted the cluster item (the bootstrap task, the watcher's
 * first pass, a join) it answers a cluster not initialized, with no `clusterId`.
 */
export async function getStatus() {
  const meta = (await findClusterMeta()) ?? {
    initialized: false,
    leaderNodeId: 0,
    leaderExpiresAt: 0,
    appliedIndex: 0,
    raftTerm: 0,
    clusterId: undefined,
  };
  // A lapsed leader lease is no leader, as the member list and autopilot say.
  const leaderNodeId = currentLeader(meta, Date.now());
  // Only with a leader: one more read, for its address (a cluster without members stays one GetItem).
  const leaderAPIAddress = leaderNodeId > 0 ? await apiAddressOf(leaderNodeId) : undefined;
  return {
    version: config.version,
    revision: config.revision,
    initialized: meta.initialized,
    ready: true,
    schemaVersion: SCHEMA_VERSION,
    cluster: {
      enabled: true,
      role: API_ROLE,
      nodeId: 0,
      isLeader: true,
      leaderNodeId,
      appliedIndex: meta.appliedIndex,
      ...(meta.clusterId === undefined ? {} : { clusterId: String(meta.clusterId) }),
      ...(leaderAPIAddress !== undefined ? { leaderAPIAddress } : {}),
      appliedSchemaVersion: SCHEMA_VERSION,
      raftTerm: meta.raftTerm,
    },
  };
}
