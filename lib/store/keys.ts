/**
 * The only place key strings are spelled. Every item of the single table has PK/SK;
 * items that must be listed by something other than their partition carry
 * GSI1PK/GSI1SK. `expiresAt` (unix seconds) is the TTL attribute: only items that may
 * vanish carry it, and readers still filter on it, since TTL deletes late.
 */

/** Zero-padded so that the string order of SK is the numeric order of node ids. */
export const padId = (id: number): string => id.toString().padStart(16, '0');

/**
 * Members are spread over this many partitions (`MEMBERS#<nodeId mod N>`): each heartbeat
 * writes its member, and one partition takes at most 1,000 write units a second, so 100,000
 * nodes at a 10 s heartbeat (10,000 a second) need at least 10; 16 leaves the busiest at
 * about 63 % (docs/capacity.md, `npm run bench` section 6). Changing N moves members: a
 * migration (lib/system/migrate.ts), never a constant edit alone.
 */
export const MEMBER_SHARDS = 16;
export const memberShard = (nodeId: number): number => nodeId % MEMBER_SHARDS;
const memberPartition = (shard: number) => `MEMBERS#${shard}`;
const memberSk = (nodeId: number) => `MEMBER#${padId(nodeId)}`;

/**
 * Clients are spread over this many partitions per namespace (`CLIENTS#<namespace>#<hash of
 * name mod N>`), and their cross-namespace index over as many (`CLIENTS#<n>` in GSI1): each
 * keepalive writes the client and its index item, one partition takes at most 1,000 write
 * units a second, and 100,000 clients in one namespace keeping alive every 20 s (Sensu's
 * default; docs/capacity.md, `npm run bench` section 6) write 5,000 a second to each, so at
 * least 5 are needed; 16 leaves the busiest at about 31 %, room for definitions up to 3 KB (a
 * keepalive is billed on the whole item, one unit per KB) or a 7 s keepalive. A list reads every
 * shard in parallel, each for its share of a page. Changing N (or the hash) moves clients: a
 * migration (lib/system/migrate.ts), never a constant edit alone.
 */
export const CLIENT_SHARDS = 16;

/**
 * A stable 32-bit hash of a string (FNV-1a over its UTF-8 bytes, then murmur3's finalizer, so
 * that every bit, the low ones a modulus keeps included, depends on every byte). Keys depend on
 * it: never change it without a migration.
 */
export function stableHash(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) h = Math.imul(h ^ byte, 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export const clientShard = (text: string): number => stableHash(text) % CLIENT_SHARDS;
const clientPartition = (namespace: string, shard: number) => `CLIENTS#${namespace}#${shard}`;
const clientIndexPartition = (shard: number) => `CLIENTS#${shard}`;

/**
 * Leases are spread over this many partitions by a hash of their name
 * (`LEASES#<stableHash(name) mod N>`), and the held-lease index over as many by holder
 * (`HELD#<holder mod N>`): every renewal rewrites its lease and, since the index projects
 * every attribute, the lease's index item too. 100,000 nodes holding one lease each,
 * renewed every 10 s, write 10,000 units a second to each (a lease item is about 300 bytes:
 * one unit), so each needs at least 10 partitions; 16 leaves the busiest at about 63 %
 * (docs/capacity.md, `npm run bench` section 6), room for a 6–7 s renewal at that size. A
 * lease list reads every shard (merged by name), so more shards cost each page more Queries.
 * Changing N moves leases: a migration (lib/system/migrate-leases.ts), never a constant edit alone.
 */
export const LEASE_SHARDS = 16;
export const leaseShard = (name: string): number => stableHash(name) % LEASE_SHARDS;
const leasePartition = (shard: number) => `LEASES#${shard}`;
const leaseSk = (name: string) => `LEASE#${name}`;
export const heldShard = (holder: number): number => holder % LEASE_SHARDS;
const heldPartition = (shard: number) => `HELD#${shard}`;

export const keys = {
  /** The cluster item (its id, the counters, the leader lease, the voters' pins), alone in its partition's META. */
  clusterMeta: () => ({ PK: 'CLUSTER', SK: 'META' }),
  /** A member, in its shard's partition, ordered there by node id. */
  member: (nodeId: number) => ({ PK: memberPartition(memberShard(nodeId)), SK: memberSk(nodeId) }),
  /** Where members lived before they were sharded (the cluster partition): only the migration reads it. */
  legacyMember: (nodeId: number) => ({ PK: 'CLUSTER', SK: memberSk(nodeId) }),
  clusterPartition: 'CLUSTER',
  memberPrefix: 'MEMBER#',
  /**
   * Each shard's members as the integers their sort keys encode (node ids 1..2^53−1,
   * zero-padded), for reading them in parallel BETWEEN ranges (lib/store/parallel); a shard
   * partition holds nothing else. Every member is in exactly one: its node id mod N.
   */
  memberKeyspaces: Array.from({ length: MEMBER_SHARDS }, (_, shard) => ({
    partition: memberPartition(shard),
    low: 1,
    high: Number.MAX_SAFE_INTEGER,
    sk: memberSk,
    idOf: (sk: string) => Number(sk.slice('MEMBER#'.length)),
  })),
  /** The members' keyspace as it was, in the cluster partition before the cluster item: what the migration moves. */
  legacyMemberKeyspace: {
    partition: 'CLUSTER',
    low: 1,
    high: Number.MAX_SAFE_INTEGER,
    sk: memberSk,
    idOf: (sk: string) => Number(sk.slice('MEMBER#'.length)),
  },
  clusterMetaSk: 'META',
  /**
   * A peer URL's owner: one item per URL a member holds (its canonical form), written and
   * deleted in the member's own transactions, so no two members ever share a peer URL.
   */
  peerUrl: (canonicalUrl: string) => ({ PK: `PEERURL#${canonicalUrl}`, SK: 'PEERURL' }),
  /** A join token's jti: written at minting (TTL at its expiry), consumed once by the join transaction. */
  joinToken: (jti: string) => ({ PK: `JOIN#${jti}`, SK: 'JOIN' }),
  /**
   * Unused join tokens sit in one index partition ordered by expiry, for the list: the join
   * transaction that consumes one removes it from the index (and a revoked one is deleted).
   */
  joinTokenIndex: (expiresAt: number, jti: string) => ({ GSI1PK: 'JOINTOKENS', GSI1SK: `${padId(expiresAt)}#${jti}` }),
  joinTokensPartition: 'JOINTOKENS',
  /** Index sort keys of tokens expiring after `expiresAt` sort after this one. */
  joinTokensAfter: (expiresAt: number) => `${padId(expiresAt)}#~`,
  /** Audit entries, one partition per UTC day, ordered by time; the TTL drops them after 90 days. */
  audit: (at: Date, id: string) => ({ PK: `AUDIT#${at.toISOString().slice(0, 10)}`, SK: `${at.toISOString()}#${id}` }),
  /**
   * Every audit entry in three index partitions ordered by time (the sort key is its SK):
   * all entries (GSI1), its user's (GSI2) and its action's (GSI3). The audit log's pages
   * are one Query each on one of them, newest first.
   */
  auditIndexes: (sk: string, user: string, action: string) => ({
    GSI1PK: 'AUDIT',
    GSI1SK: sk,
    GSI2PK: `AUDIT_USER#${user}`,
    GSI2SK: sk,
    GSI3PK: `AUDIT_ACTION#${action}`,
    GSI3SK: sk,
  }),
  auditAllPartition: 'AUDIT',
  auditUserPartition: (user: string) => `AUDIT_USER#${user}`,
  auditActionPartition: (action: string) => `AUDIT_ACTION#${action}`,
  /** The audit log's settings and bookkeeping: retention, the maintained count and the watcher's cursors. */
  auditState: () => ({ PK: 'AUDIT', SK: 'STATE' }),

  // Clients (the Sensu registry): each namespace's clients over CLIENT_SHARDS partitions by
  // their name's hash, ordered there by name. Every live client also sits in one of
  // CLIENT_SHARDS index partitions (by the hash of its index sort key, `<namespace>#<name>`),
  // ordered by namespace and name, for the admins' cross-namespace list; a removed client's
  // tombstone (invalidate_expire) leaves the index. Readers merge the shards by sort key.
  client: (namespace: string, name: string) => ({ PK: clientPartition(namespace, clientShard(name)), SK: `CLIENT#${name}` }),
  /** A namespace's client partitions, one per shard: every client of the namespace is in exactly one. */
  clientsOf: (namespace: string) => Array.from({ length: CLIENT_SHARDS }, (_, shard) => clientPartition(namespace, shard)),
  clientIndex: (namespace: string, name: string) => ({
    GSI1PK: clientIndexPartition(clientShard(`${namespace}#${name}`)),
    GSI1SK: `${namespace}#${name}`,
  }),
  /** The index partitions of every namespace's live clients, one per shard. */
  clientIndexPartitions: Array.from({ length: CLIENT_SHARDS }, (_, shard) => clientIndexPartition(shard)),
  /** Where a namespace's clients lived before they were sharded: only the migration reads it. */
  legacyClientsOf: (namespace: string) => `CLIENTS#${namespace}`,
  /** The one index partition every live client sat in before: only the migration reads it. */
  legacyClientIndexPartition: 'CLIENTS',
  /**
   * Legacy index sort keys of namespaces after `namespace` sort after this one: `$` follows
   * the `#` that ends the namespace and precedes every character a name may hold (`[\w.-]`).
   */
  legacyClientNamespacesAfter: (namespace: string) => `${namespace}$`,
  /** A client or tombstone at its legacy key (a namespace holds no `#`, so a shard's key never matches). */
  isLegacyClient: (item: Record<string, unknown>) => /^CLIENTS#[^#]+$/.test(String(item.PK)) && String(item.SK).startsWith('CLIENT#'),

  // Leases. Items are never deleted: the fencing token must keep increasing across holders.
  // (Their expiry is `leaseExpiresAt`, never the TTL attribute.)
  /** A lease, in its name's shard (LEASE_SHARDS), ordered there by name. A shard partition holds only leases. */
  lease: (name: string) => ({ PK: leasePartition(leaseShard(name)), SK: leaseSk(name) }),
  /** Every lease shard's partition: a list by name reads them all and merges. */
  leasePartitions: Array.from({ length: LEASE_SHARDS }, (_, shard) => leasePartition(shard)),
  leasePrefix: 'LEASE#',
  /** Where leases lived before they were sharded (one partition): only the migration and a creation's guard read it. */
  legacyLease: (name: string) => ({ PK: 'LEASES', SK: leaseSk(name) }),
  legacyLeasesPartition: 'LEASES',
  /** Held leases in the index by holder, in the holder's shard, ordered there by holder and name. */
  heldLease: (holder: number, name: string) => ({ GSI1PK: heldPartition(heldShard(holder)), GSI1SK: `${padId(holder)}#${name}` }),
  /** The index partitions holding the leases of holders `from..to`: each holder's shard, or every shard for a wide range. */
  heldPartitions: (from: number, to: number): string[] =>
    to - from + 1 >= LEASE_SHARDS
      ? Array.from({ length: LEASE_SHARDS }, (_, shard) => heldPartition(shard))
      : [...new Set(Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => heldPartition(heldShard(from + i))))],
  heldByPrefix: (holder: number) => `${padId(holder)}#`,
  /** Index sort keys of holder `holder`'s leases sort before this one. */
  heldAfter: (holder: number) => `${padId(holder)}#\uffff`,
  /** Maps a range id (given once, at a lease's creation) back to its lease. */
  range: (rangeId: number) => ({ PK: `RANGE#${rangeId}`, SK: 'RANGE' }),
  rangeCounter: () => ({ PK: 'CLUSTER', SK: 'RANGE_COUNTER' }),

  // Identity. Secrets (session ids, refresh token ids, API token secrets) never appear in a
  // key: sessions are keyed by the SHA-256 of their secret, API tokens by their public id.
  /** Users share one partition ordered by email: the users page is one Query. */
  user: (email: string) => ({ PK: 'USERS', SK: `USER#${email}` }),
  usersPartition: 'USERS',
  userPrefix: 'USER#',
  /** A login session (Ella cookie, Sensu refresh family, CockroachDB session), by the hash of its secret. */
  session: (hash: string) => ({ PK: `SESSION#${hash}`, SK: 'SESSION' }),
  /** Live sessions sit in one index partition ordered by start, for the CockroachDB sessions list. */
  sessionIndex: (startedAt: number, hash: string) => ({
    GSI1PK: 'SESSIONS',
    GSI1SK: `${startedAt.toString().padStart(15, '0')}#${hash.slice(0, 16)}`,
  }),
  sessionsPartition: 'SESSIONS',
  /**
   * A user's sessions, one pointer item each in a partition per user id (the id minted at
   * the user's creation, never the email): deleting or demoting a user is one Query of it.
   */
  userSession: (userId: string, hash: string) => ({ PK: `USERSESSIONS#${userId}`, SK: `SESSION#${hash}` }),
  userSessionsPartition: (userId: string) => `USERSESSIONS#${userId}`,
  /** An API token by its public id; its owner's tokens (by user id) are one index Query. */
  apiToken: (id: string) => ({ PK: `APITOKEN#${id}`, SK: 'APITOKEN' }),
  apiTokenIndex: (userId: string, id: string) => ({ GSI1PK: `APITOKENS#${userId}`, GSI1SK: id }),
  apiTokensOf: (userId: string) => `APITOKENS#${userId}`,
  /** Consecutive failed logins of one email (known or not), dropped by the TTL after the window. */
  loginFailures: (email: string) => ({ PK: `LOGINFAIL#${email}`, SK: 'LOGINFAIL' }),
  /** The signing keys' ids: the current one and those that still verify. */
  keyring: () => ({ PK: 'IDENTITY', SK: 'KEYRING' }),
} as const;
