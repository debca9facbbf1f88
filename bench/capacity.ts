/**
 * The capacity model (docs/capacity.md): for a cluster of `nodes` at a heartbeat period,
 * the write and read units per second on the busiest partition of every key Roster writes
 * with the cluster's size — the members, the held-lease index, the clients, the audit log —
 * against DynamoDB's per-partition limits. Pure arithmetic over measured item sizes, so
 * the sharding that fixes what it flags reuses it with `shards` above 1.
 */
import { CLIENT_SHARDS, LEASE_SHARDS, MEMBER_SHARDS } from '../lib/store/keys';

/** DynamoDB's throughput limits of one partition, per second. */
export const PARTITION_LIMITS = { wcu: 1000, rcu: 3000 } as const;

/**
 * The size DynamoDB bills for an item (docs: "Item sizes and formats"): per attribute, its
 * name's UTF-8 bytes plus its value's: a string's UTF-8 bytes; a number's 1 byte per two
 * significant digits plus 1; a boolean or null 1; a binary its bytes; a list or map 3 bytes
 * plus 1 per element plus the elements (a map's keys count as names); a set its elements.
 */
export function itemSize(item: Record<string, unknown>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += Buffer.byteLength(name) + valueSize(value);
  return size;
}

function valueSize(value: unknown): number {
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number' || typeof value === 'bigint') {
    const digits = String(value).replace(/^-/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
    return Math.ceil(Math.max(1, digits.length) / 2) + 1;
  }
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce((n: number, v) => n + valueSize(v), 0);
  if (Array.isArray(value)) return 3 + value.reduce((n: number, v) => n + 1 + valueSize(v), 0);
  if (typeof value === 'object') return 3 + Object.entries(value).reduce((n, [k, v]) => n + 1 + Buffer.byteLength(k) + valueSize(v), 0);
  return 0;
}

/** Write units of one write of an item of `bytes` (1 KB each, rounded up; a transaction bills twice). */
export const writeUnits = (bytes: number, transactional = false) => Math.max(1, Math.ceil(bytes / 1024)) * (transactional ? 2 : 1);
/** Read units of reading `bytes` in one call: 4 KB each, rounded up over the call; eventually consistent at half. */
export const readUnits = (bytes: number, consistent: boolean) => Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);

/** Measured item sizes (bytes, as `itemSize` counts them). */
export interface ItemSizes {
  member: number;
  lease: number;
  client: number;
  audit: number;
}

/** What the cluster does, beside its heartbeats. Every figure is a parameter; the defaults are documented. */
export interface Workload {
  nodes: number;
  heartbeatSeconds: number;
  /** Leases each node holds, each renewed every `renewSeconds`. */
  leasesPerNode: number;
  renewSeconds: number;
  /** Sensu clients per node (one namespace: the busiest case), each keeping alive every `keepaliveSeconds`. */
  clientsPerNode: number;
  keepaliveSeconds: number;
  /** Membership changes (joins, health transitions, drains, removals) per node per hour, each one audit entry. */
  changesPerNodeHour: number;
  /** The watcher's period: each pass reads every member, consistently. */
  watcherSeconds: number;
  /** How long a pass's read may take: its units are spread over this many seconds. */
  passReadSeconds: number;
  /** Whole-list reads (autopilot, the unpaged list, dashboards) per second, eventually consistent. */
  listReadsPerSecond: number;
}

export const DEFAULT_WORKLOAD: Omit<Workload, 'nodes' | 'heartbeatSeconds'> = {
  leasesPerNode: 1,
  renewSeconds: 10,
  clientsPerNode: 1,
  keepaliveSeconds: 20,
  changesPerNodeHour: 1,
  watcherSeconds: 60,
  passReadSeconds: 10,
  listReadsPerSecond: 0.2,
};

/** Into how many partitions each key's items are spread (1: as today). */
export interface Shards {
  members: number;
  /** The lease items, by a hash of the name. */
  leases: number;
  /** The held-lease index, by holder. */
  held: number;
  clients: number;
  audit: number;
}

export const UNSHARDED: Shards = { members: 1, leases: 1, held: 1, clients: 1, audit: 1 };

/**
 * The layout the store has today (lib/store/keys.ts): members over MEMBER_SHARDS partitions,
 * the leases and the held-lease index over LEASE_SHARDS each, the clients (and their index)
 * over CLIENT_SHARDS per namespace.
 */
export const CURRENT_SHARDS: Shards = {
  ...UNSHARDED,
  members: MEMBER_SHARDS,
  leases: LEASE_SHARDS,
  held: LEASE_SHARDS,
  clients: CLIENT_SHARDS,
};

export interface KeyLoad {
  key: keyof Shards;
  /** The partition key(s) as spelled in lib/store/keys.ts. */
  partition: string;
  wcu: number;
  rcu: number;
  /** Within both limits. */
  ok: boolean;
}

/**
 * The busiest partition of each key, in units per second. Writes and reads spread evenly
 * over a key's shards; a full read of a sharded key reads each shard's part of it.
 */
export function partitionLoads(w: Workload, sizes: ItemSizes, shards: Shards = UNSHARDED): KeyLoad[] {
  /** A full read: Queries of 1 MB pages, each rounded up to 4 KB on its own. */
  const fullRead = (count: number, bytes: number, consistent: boolean) => {
    const total = count * bytes;
    const page = 1024 * 1024;
    const full = Math.floor(total / page);
    return full * readUnits(page, consistent) + (total % page > 0 || full === 0 ? readUnits(total % page, consistent) : 0);
  };
  const leases = w.nodes * w.leasesPerNode;
  const clients = w.nodes * w.clientsPerNode;
  const key = (k: keyof Shards, partition: string, wcu: number, rcu: number): KeyLoad => {
    const [write, read] = [wcu / shards[k], rcu / shards[k]];
    return { key: k, partition, wcu: write, rcu: read, ok: write <= PARTITION_LIMITS.wcu && read <= PARTITION_LIMITS.rcu };
  };
  return [
    key(
      'members',
      shards.members > 1 ? `MEMBERS#<id mod ${shards.members}>` : 'CLUSTER',
      (w.nodes / w.heartbeatSeconds) * writeUnits(sizes.member),
      fullRead(w.nodes, sizes.member, true) / w.passReadSeconds + w.listReadsPerSecond * fullRead(w.nodes, sizes.member, false),
    ),
    // Every renewal rewrites the lease in its name's partition (a renewal with its token reads nothing) ...
    key(
      'leases',
      shards.leases > 1 ? `LEASES#<hash(name) mod ${shards.leases}>` : 'LEASES',
      (leases / w.renewSeconds) * writeUnits(sizes.lease),
      0,
    ),
    // ... and its index item (projection ALL) in its holder's; the whole-list reads read the index for activeLeases.
    key(
      'held',
      shards.held > 1 ? `GSI1 HELD#<holder mod ${shards.held}>` : 'GSI1 HELD',
      (leases / w.renewSeconds) * writeUnits(sizes.lease),
      w.listReadsPerSecond * fullRead(leases, sizes.lease, false),
    ),
    // A keepalive updates the client in its namespace's partition and its index item (projection ALL) in GSI1, each by a hash.
    key(
      'clients',
      shards.clients > 1
        ? `CLIENTS#<ns>#<hash mod ${shards.clients}>, GSI1 CLIENTS#<hash mod ${shards.clients}>`
        : 'CLIENTS#<ns>, GSI1 CLIENTS',
      (clients / w.keepaliveSeconds) * writeUnits(sizes.client),
      0,
    ),
    // Each entry is written inside its change's transaction (twice the units) to its day and to the all-entries index.
    key('audit', 'AUDIT#<day>, GSI1 AUDIT', ((w.nodes * w.changesPerNodeHour) / 3600) * writeUnits(sizes.audit, true), 0),
  ];
}
