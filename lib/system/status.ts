import { config } from '../config';
import { getClusterMeta } from '../cluster/meta';

export async function getStatus() {
  const meta = await getClusterMeta();
  return {
    initialized: meta.initialized,
    version: config.version,
    ready: true,
    cluster: { clusterId: meta.clusterId, leaderNodeId: meta.leaderNodeId, raftTerm: meta.raftTerm },
  };
}
