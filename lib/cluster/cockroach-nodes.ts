import { nodeStatus, type NodeView } from '../compat/cockroach';
import { config } from '../config';
import type { Member } from './member';
import { listMembers } from './repository';
import { nodeStatus as health } from './rules';

const view = (m: Member, now: number): NodeView => ({
  nodeId: m.nodeId,
  raftAddress: m.raftAddress,
  apiAddress: m.apiAddress,
  binaryVersion: m.binaryVersion,
  joinedAt: m.joinedAt ?? m.createdAt,
  lastHeartbeatAt: m.lastHeartbeatAt,
  nodeStatus: health(m, now, config.autopilot.lastContactThresholdSeconds * 1000),
  drainState: m.drainState,
});

/** GET /api/v2/nodes/: members as CockroachDB nodeStatus, by node id, offset-paged. */
export async function cockroachNodes(limit: number, offset: number) {
  const now = Date.now();
  const members = await listMembers();
  const page = members.slice(offset, offset + limit);
  return { nodes: page.map((m) => nodeStatus(view(m, now))), ...(offset + limit < members.length ? { next: offset + limit } : {}) };
}
