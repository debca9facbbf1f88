import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documents, TABLE } from '../store/client';
import { keys } from '../store/keys';
import { queryAll, queryPage } from '../store/query';
import { memberFromItem, type Member } from './member';
import { getClusterMeta, toMeta, type ClusterMeta } from './meta';

/**
 * The member store's read half: every member, one page of them, one member, and the
 * members with the cluster item in one Query stream. Writes live in ./member-store.ts and
 * ./member-state-store.ts; everything read comes back through the one member union.
 */

/** Every member, ordered by node id (one Query, paged through by the SDK's LastEvaluatedKey). */
export async function listMembers(consistent = false): Promise<Member[]> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.clusterPartition, ':prefix': keys.memberPrefix },
    ConsistentRead: consistent,
  });
  return items.map(memberFromItem);
}

/**
 * The members and the cluster item in one Query stream (the members sort just before it):
 * what a join decides on and answers with. `meta` is undefined before the cluster item exists.
 */
export async function readCluster(consistent = false): Promise<{ meta: ClusterMeta | undefined; members: Member[] }> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND SK BETWEEN :first AND :meta',
    ExpressionAttributeValues: { ':pk': keys.clusterPartition, ':first': keys.memberPrefix, ':meta': keys.clusterMetaSk },
    ConsistentRead: consistent,
  });
  const last = items.at(-1);
  const meta = last?.SK === keys.clusterMetaSk ? toMeta(last) : undefined;
  return { meta, members: (meta ? items.slice(0, -1) : items).map(memberFromItem) };
}

/** readCluster, minting the cluster item (and its id) the first time the cluster is seen. */
export async function readMintedCluster(consistent = false): Promise<{ meta: ClusterMeta; members: Member[] }> {
  const { meta, members } = await readCluster(consistent);
  return { meta: meta ?? (await getClusterMeta(consistent)), members };
}

/**
 * One page of members by node id: the earlier pages' keys are walked past first (only
 * their keys are kept), so a page costs what the pages before it hold, not the cluster.
 */
export async function pageMembers(page: number, perPage: number): Promise<Member[]> {
  const query = {
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.clusterPartition, ':prefix': keys.memberPrefix },
  };
  return (await queryPage(query, (page - 1) * perPage, perPage, ['PK', 'SK'])).map(memberFromItem);
}

export async function getMember(nodeId: number, consistent = false): Promise<Member | undefined> {
  const { Item } = await documents.send(new GetCommand({ TableName: TABLE, Key: keys.member(nodeId), ConsistentRead: consistent }));
  return Item ? memberFromItem(Item) : undefined;
}

/** The node credential a member holds (its hash and handle), or `undefined` when there is no member or it holds none. */
export async function credentialOf(nodeId: number): Promise<{ credentialHash: string; credentialId?: string } | undefined> {
  const { Item } = await documents.send(
    new GetCommand({
      TableName: TABLE,
      Key: keys.member(nodeId),
      ProjectionExpression: 'credentialHash, credentialId',
      ConsistentRead: true,
    }),
  );
  if (typeof Item?.credentialHash !== 'string') return undefined;
  return { credentialHash: Item.credentialHash, ...(typeof Item.credentialId === 'string' ? { credentialId: Item.credentialId } : {}) };
}
