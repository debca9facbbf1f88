import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { documents, TABLE } from '../store/client';
import { conditionFailure } from '../store/conditions';
import { keys } from '../store/keys';

export interface ClusterMeta {
  clusterId: number;
  leaderNodeId: number;
  raftTerm: number;
  initialized: boolean;
}

/** A random id below 2^53, so JSON clients (Sensu Go's uint64 fields) read it exactly. */
export const newClusterId = (): number => Number(randomBytes(8).readBigUInt64BE() >> 11n) || 1;

const toMeta = (item: Record<string, unknown>): ClusterMeta => ({
  clusterId: Number(item.clusterId),
  leaderNodeId: Number(item.leaderNodeId ?? 0),
  raftTerm: Number(item.raftTerm ?? 0),
  initialized: item.initialized === true,
});

/** Reads the cluster item, minting it (and its id) the first time the cluster is seen. */
export async function getClusterMeta(): Promise<ClusterMeta> {
  const found = await documents.send(new GetCommand({ TableName: TABLE, Key: keys.clusterMeta() }));
  if (found.Item) return toMeta(found.Item);
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
