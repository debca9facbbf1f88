/**
 * CockroachDB Cluster API v2 shapes (docs/generated/swagger/spec.json in its repository)
 * over Roster's model: a member is a node with one store (store id = node id), a lease
 * is a range whose leaseholder is its holder. Pure mappings: no I/O here.
 */

/** What the CockroachDB surface needs to know about a member. */
export interface NodeView {
  nodeId: number;
  raftAddress: string;
  apiAddress: string;
  binaryVersion: string;
  joinedAt: number; // epoch ms
  lastHeartbeatAt?: number; // epoch ms
  nodeStatus: 'alive' | 'failed' | 'left' | 'unknown';
  drainState: 'active' | 'draining' | 'drained';
}

/** What the CockroachDB surface needs to know about a lease. */
export interface RangeView {
  name: string;
  rangeId: number;
  holder?: number; // node id; absent when free
  fencingToken: number;
  acquiredAt?: number; // epoch ms, of the current holder's acquisition
  expiresAt?: number; // epoch ms
  /** Recent acquires and renews per second. */
  queriesPerSecond: number;
}

/** livenesspb.NodeLivenessStatus. */
export const LIVENESS = { UNKNOWN: 0, DEAD: 1, UNAVAILABLE: 2, LIVE: 3, DECOMMISSIONING: 4, DECOMMISSIONED: 5, DRAINING: 6 } as const;

/** CockroachDB times are unix nanoseconds; JSON numbers stay exact to the microsecond for this century. */
export const nanos = (ms: number | undefined): number => (ms === undefined ? 0 : Math.round(ms) * 1_000_000);

const tcp = (address: string) => ({ network_field: 'tcp', address_field: address });

/** Go marshals []byte (roachpb.Key) as base64. A lease's span is [name, name\x00). */
const keyBytes = (key: string) => Buffer.from(key, 'utf8').toString('base64');
const span = (name: string) => ({ start: name, end: `${name}\u0000` });

export function livenessOf(node: Pick<NodeView, 'nodeStatus' | 'drainState'>): number {
  if (node.drainState === 'draining') return LIVENESS.DRAINING;
  if (node.drainState === 'drained') return LIVENESS.DECOMMISSIONING;
  switch (node.nodeStatus) {
    case 'alive':
      return LIVENESS.LIVE;
    case 'failed':
      return LIVENESS.UNAVAILABLE;
    case 'left':
      return LIVENESS.DECOMMISSIONED;
    case 'unknown':
      return LIVENESS.UNKNOWN;
  }
}

/** roachpb.Version from a binary version such as "v1.4.2" or "2.0.0-rc.1". */
export function serverVersion(binaryVersion: string) {
  const [major = 0, minor = 0, patch = 0] = (/(\d+)\.(\d+)(?:\.(\d+))?/.exec(binaryVersion) ?? []).slice(1).map((n) => Number(n ?? 0));
  return { major_val: major, minor_val: minor, patch, internal: 0 };
}

export function nodeStatus(node: NodeView) {
  return {
    node_id: node.nodeId,
    address: tcp(node.raftAddress),
    sql_address: tcp(node.apiAddress),
    ServerVersion: serverVersion(node.binaryVersion),
    build_tag: node.binaryVersion,
    started_at: nanos(node.joinedAt),
    updated_at: nanos(node.lastHeartbeatAt ?? node.joinedAt),
    liveness_status: livenessOf(node),
    locality: { tiers: [] },
    attrs: {},
    metrics: {},
  };
}

export function rangeDescriptor(range: RangeView) {
  const { start, end } = span(range.name);
  return {
    range_id: range.rangeId,
    start_key: keyBytes(start),
    end_key: keyBytes(end),
    store_id: range.holder ?? 0,
    queries_per_second: range.queriesPerSecond,
  };
}

/** The current lease as roachpb.Lease: its sequence is the fencing token. */
function currentLease(range: RangeView) {
  if (range.holder === undefined) return [];
  return [
    {
      start: { wall_time: nanos(range.acquiredAt), logical: 0 },
      expiration: { wall_time: nanos(range.expiresAt), logical: 0 },
      replica: { node_id: range.holder, store_id: range.holder, replica_id: 1, type: 0 },
      sequence: range.fencingToken,
      epoch: 0,
    },
  ];
}

export function rangeInfo(range: RangeView, now: number) {
  const { start, end } = span(range.name);
  const held = range.holder !== undefined && (range.expiresAt ?? 0) > now;
  return {
    desc: rangeDescriptor(range),
    span: { start_key: JSON.stringify(start), end_key: JSON.stringify(end) },
    source_node_id: range.holder ?? 0,
    source_store_id: range.holder ?? 0,
    lease_history: currentLease(range),
    problems: { no_lease: !held, unavailable: false, underreplicated: false, overreplicated: false },
    stats: { queries_per_second: range.queriesPerSecond, writes_per_second: range.queriesPerSecond },
    quiescent: !held,
    ticking: held,
  };
}
