import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { documents, TABLE } from '../store/client';
import { conditionFailure } from '../store/conditions';
import { keys } from '../store/keys';

/**
 * The cluster item: its id (minted once, by the first reader), the leader lease and the
 * counters as read. The lease's writes are ./leader-store.ts's, the counters' the member store's.
 */

export interface ClusterMeta {
  clusterId: number;
  /** The leader lease (see ./leader): its holder (0: none), expiry (epoch ms) and term, its fencing token. */
  leaderNodeId: number;
  leaderExpiresAt: number;
  raftTerm: number;
  /** The leader's certificate fingerprint, as it gave it at join; join tokens carry it. */
  leaderFingerprint?: string;
  /** Counters kept by the membership transactions: the join's first-voter rule reads voterCount. */
  memberCount: number;
  voterCount: number;
  /** Committed membership changes (joins, promotions, removals): Ella's `appliedIndex`, only ever growing. */
  appliedIndex: number;
  initialized: boolean;
  /**
   * The voters' certificate fingerprints by node id ('' for a voter no node has joined as
   * yet), what a join answers as `pins`: written in the very transactions that change who
   * votes (a voter's join, a promotion, a voter's removal), so it is as current as voterCount.
   */
  voterPins: Record<number, string>;
}

/** The cluster item's attribute that holds one voter's pin. */
export const pinAttribute = (nodeId: number): string => `pin_${nodeId}`;
const PIN = /^pin_(\d+)$/;

const pinsOf = (item: Record<string, unknown>): Record<number, string> =>
  Object.fromEntries(
    Object.entries(item).flatMap(([k, v]) => {
      const id = PIN.exec(k)?.[1];
      return id !== undefined && typeof v === 'string' ? [[Number(id), v]] : [];
    }),
  );

/** A random id below 2^53, so JSON clients (Sensu Go's uint64 fields) read it exactly. */
export const newClusterId = (): number => Number(randomBytes(8).readBigUInt64BE() >> 11n) || 1;

export const toMeta = (item: Record<string, unknown>): ClusterMeta => ({
  clusterId: Number(item.clusterId),
  leaderNodeId: Number(item.leaderNodeId ?? 0),
  leaderExpiresAt: Number(item.leaderExpiresAt ?? 0),
  raftTerm: Number(item.raftTerm ?? 0),
  ...(typeof item.leaderFingerprint === 'string' ? { leaderFingerprint: item.leaderFingerprint } : {}),
  memberCount: Number(item.memberCount ?? 0),
  voterCount: Number(item.voterCount ?? 0),
  appliedIndex: Number(item.appliedIndex ?? 0),
  initialized: item.initialized === true,
  voterPins: pinsOf(item),
});

/** Reads the cluster item without minting it: `undefined` before the cluster was first seen (read-only routes). */
export async function findClusterMeta(consistent = false): Promise<ClusterMeta | undefined> {
  const found = await documents.send(new GetCommand({ TableName: TABLE, Key: keys.clusterMeta(), ConsistentRead: consistent }));
  return found.Item ? toMeta(found.Item) : undefined;
}

/** Reads the cluster item, minting it (and its id) the first time the cluster is seen: a write, for write routes and tasks only. */
export async function ensureClusterMeta(consistent = false): Promise<ClusterMeta> {
  const found = await findClusterMeta(consistent);
  if (found) return found;
  const item = { ...keys.clusterMeta(), clusterId: newClusterId(), leaderNodeId: 0, raftTerm: 0, initialized: false };
  try {
    // Only the first writer mints the id; a concurrent first call keeps the winner's.
    await documents.send(
      new PutCommand({
        TableName: TABLE,
        Item: item,
        ConditionExpression: 'attribute_not_exists(PK)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return toMeta(item);
  } catch (err) {
    const failed = conditionFailure(err);
    if (failed?.item) return toMeta(failed.item);
    throw err;
  }
}
