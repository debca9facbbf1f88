import { listMembers } from '../cluster/repository';
import { findClusterMeta } from '../cluster/meta';
import { config } from '../config';
import { autopilotView } from './rules';

const NO_LEADER = { leaderNodeId: 0, leaderExpiresAt: 0, raftTerm: 0 };

/** GET /cluster/autopilot: the cluster item and one Query stream over the members, read side by side. */
export async function getAutopilot() {
  const [meta, members] = await Promise.all([findClusterMeta(), listMembers()]);
  return autopilotView(meta ?? NO_LEADER, members, Date.now(), config.autopilot);
}
