import { readCluster } from '../cluster/member-reads';
import { config } from '../config';
import { autopilotView } from './rules';

/**
 * The autopilot surface's read: Consul's autopilot health over Roster's members.
 */

const NO_LEADER = { leaderNodeId: 0, leaderExpiresAt: 0, raftTerm: 0 };

/** GET /cluster/autopilot: the members and the cluster item, in parallel key-range Queries. */
export async function getAutopilot() {
  const { meta, members } = await readCluster();
  return autopilotView(meta ?? NO_LEADER, members, Date.now(), config.autopilot);
}
