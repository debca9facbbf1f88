import { nodeStatus, paginate, type NodeView, type Paging } from '../compat/cockroach';
import { config } from '../config';
import type { Member } from './member';
import { listMembers } from './member-reads';
import { nodeStatus as health } from './rules';

/**
 * The members as CockroachDB's `GET /api/v2/nodes/` shows them (lib/compat/cockroach.ts holds the wire shape).
 */

const view = (m: Member, now: number): NodeView => ({
  nodeId: m.nodeId,
  raftAddress: m.raftAddress,
  apiAddress: m.apiAddress,
  binaryVersion: m.binaryVersion,
  joinedAt: m.joinedAt ?? m.createdAt,
  lastHeartbeatAt: m.lastHeartbeatAt,
  nodeStatus: health(m, now, config.autopilot.lastContactThresholdSeconds * 1000),
  drainState: m.drainState,
  numCpus: m.numCpus,
  totalSystemMemory: m.totalSystemMemory,
});

/** GET /api/v2/nodes/: members as CockroachDB nodeStatus, by node id, offset-paged. */
export async function cockroachNodes(paging: Paging) {
  const now = Date.now();
  const { page, next } = paginate(await listMembers(), paging);
  return { nodes: page.map((m) => nodeStatus(view(m, now))), ...(next !== undefined ? { next } : {}) };
}
