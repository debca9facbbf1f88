/**
 * CockroachDB Cluster API v2 shapes (docs/generated/swagger/spec.json and pkg/server/api_v2*.go
 * in its repository) over Roster's model: a member is a node with one store (store id = node
 * id), a lease is a range whose leaseholder is its holder. Pure mappings: no I/O here.
 */
import { BadRequest } from '../errors';

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
  /** As the node last reported them in its join or heartbeat; 0 until it does. */
  numCpus?: number;
  totalSystemMemory?: number;
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

/**
 * Roster has no cluster name setting: CockroachDB's `cluster_name` is "" when none is set
 * (`--cluster-name`), and so is Roster's.
 */
export const CLUSTER_NAME = '';

/** CockroachDB times are unix nanoseconds; JSON numbers stay exact to the microsecond for this century. */
export const nanos = (ms: number | undefined): number => (ms === undefined ? 0 : Math.round(ms) * 1_000_000);

/** A Go time.Time in JSON: RFC 3339 in UTC. */
export const rfc3339 = (ms: number): string => new Date(ms).toISOString();

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

/**
 * server.nodeStatus, every field in the Go struct's order. Those the struct marks omitempty
 * (metrics, total_system_memory, num_cpus, updated_at) are sent too: clients such as the
 * InterUSS monitoring tool require them.
 */
export function nodeStatus(node: NodeView) {
  return {
    node_id: node.nodeId,
    address: tcp(node.raftAddress),
    attrs: {},
    locality: { tiers: [] },
    ServerVersion: serverVersion(node.binaryVersion),
    build_tag: node.binaryVersion,
    started_at: nanos(node.joinedAt),
    cluster_name: CLUSTER_NAME,
    sql_address: tcp(node.apiAddress),
    metrics: {},
    total_system_memory: node.totalSystemMemory ?? 0,
    num_cpus: node.numCpus ?? 0,
    updated_at: nanos(node.lastHeartbeatAt ?? node.joinedAt),
    liveness_status: livenessOf(node),
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

/**
 * server.hotRangeInfo (the current listHotRanges item). A lease has no SQL schema, reads or
 * bytes: those are empty or 0. Its acquires and renews are its writes. The older spec's
 * database_name/table_name/index_name are sent too (empty), for clients of that spec.
 */
export function hotRangeInfo(range: RangeView) {
  const holder = range.holder ?? 0;
  return {
    range_id: range.rangeId,
    node_id: holder,
    qps: range.queriesPerSecond,
    writes_per_second: range.queriesPerSecond,
    reads_per_second: 0,
    write_bytes_per_second: 0,
    read_bytes_per_second: 0,
    cpu_time_per_second: 0,
    leaseholder_node_id: holder,
    databases: [],
    tables: [],
    indexes: [],
    schema_name: '',
    replica_node_ids: holder ? [holder] : [],
    store_id: holder,
    database_name: '',
    table_name: '',
    index_name: '',
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

/* ---------------------------------------------------------------------------------------
 * Paging as CockroachDB's getSimplePaginationValues / getRPCPaginationValues read it: a
 * limit that is absent, not an integer, out of range or not positive means "everything"
 * (and then the offset is ignored too); an offset that is not a non-negative integer is 0.
 * Nothing is ever a 400.
 * ------------------------------------------------------------------------------------- */

/** Go's strconv.Atoi, within what a JSON number keeps exact; anything else is undefined. */
export function atoi(text: string | undefined): number | undefined {
  if (text === undefined || !/^[+-]?[0-9]+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

export interface Paging {
  /** 0: no limit. */
  limit: number;
  offset: number;
}

export function paging(query: { limit?: string; offset?: string; start?: string }): Paging {
  const limit = atoi(query.limit);
  if (limit === undefined || limit <= 0) return { limit: 0, offset: 0 };
  // Roster's continuation token (`next`, given back as `start`) is the offset in decimal.
  const offset = atoi(query.offset ?? query.start);
  return { limit, offset: offset === undefined || offset < 0 ? 0 : offset };
}

/** simplePaginate: one page and the offset of the next; next is undefined when nothing follows. */
export function paginate<T>(items: readonly T[], { limit, offset }: Paging): { page: T[]; next?: number } {
  if (limit <= 0) return { page: [...items] };
  const from = Math.min(offset, items.length);
  const to = Math.min(offset + limit, items.length);
  return { page: items.slice(from, to), ...(to < items.length ? { next: to } : {}) };
}

/** `?ranges=1,2`: the range ids to keep (parseRangeIDs); an id that is no integer is 400. */
export function rangeIds(text: string | undefined): Set<number> | undefined {
  if (text === undefined || text === '') return undefined;
  const ids = text.split(',').map(atoi);
  if (ids.some((id) => id === undefined)) throw new BadRequest('invalid range ID');
  return new Set(ids as number[]);
}

/**
 * POST /login/ credentials as Go's r.ParseForm reads them: the form body first, then the
 * query string (where some clients send them). No username is 400; no password is a wrong one.
 */
export function loginCredentials(
  body: { username?: string; password?: string } | undefined,
  query: { username?: string; password?: string },
): { username: string; password: string } {
  const username = body?.username || query.username;
  if (!username) throw new BadRequest('username not specified');
  return { username, password: body?.password ?? query.password ?? '' };
}
