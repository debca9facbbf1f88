import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documents, TABLE } from '../store/client';
import { keys } from '../store/keys';
import { getItems } from '../store/batch';
import { queryParallel, type ParallelOptions } from '../store/parallel';
import { queryPage } from '../store/query';
import { memberFromItem, type Member } from './member';
import { ensureClusterMeta, toMeta, type ClusterMeta } from './meta';

/**
 * The member store's read half: every member, one page of them, one member, and the
 * members with the cluster item. Writes live in ./member-store.ts and its siblings;
 * everything read comes back through the one member union. Reads of every member are
 * parallel key-range Queries over the member keyspace (lib/store/parallel), never a Scan:
 * at 10 members the one Query they always were, at 10,000 a few rounds of parallel pages.
 */

/** Every member, ordered by node id. */
export async function listMembers(consistent = false, options: Omit<ParallelOptions, 'consistent'> = {}): Promise<Member[]> {
  return (await queryParallel(keys.memberKeyspace, { ...options, consistent })).map(memberFromItem);
}

/**
 * Every member and the cluster item, which sorts just after them, in the same ranges (one
 * Query at a small size): what a join decides on and answers with. `meta` is undefined
 * before the cluster item exists.
 */
export async function readCluster(
  consistent = false,
  options: Omit<ParallelOptions, 'consistent' | 'through'> = {},
): Promise<{ meta: ClusterMeta | undefined; members: Member[] }> {
  const items = await queryParallel(keys.memberKeyspace, { ...options, consistent, through: keys.clusterMetaSk });
  const last = items.at(-1);
  const meta = last?.SK === keys.clusterMetaSk ? toMeta(last) : undefined;
  return { meta, members: (meta ? items.slice(0, -1) : items).map(memberFromItem) };
}

/** readCluster, minting the cluster item (and its id) the first time the cluster is seen. */
export async function readMintedCluster(consistent = false): Promise<{ meta: ClusterMeta; members: Member[] }> {
  const { meta, members } = await readCluster(consistent);
  return { meta: meta ?? (await ensureClusterMeta(consistent)), members };
}

/**
 * The cluster item and one member, consistently, in one BatchGetItem (the item minted the
 * first time the cluster is seen): what a join decides on, whatever the cluster's size.
 */
export async function readClusterAndMember(nodeId: number): Promise<{ meta: ClusterMeta; member: Member | undefined }> {
  const [meta, member] = await getItems([keys.clusterMeta(), keys.member(nodeId)]);
  return { meta: meta ? toMeta(meta) : await ensureClusterMeta(true), member: member ? memberFromItem(member) : undefined };
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

/**
 * Up to `perPage` members after node id `after`, in node id order: one Query (another only
 * if a page of DynamoDB's ran out first). What a `next` cursor costs: the page, whatever
 * came before it.
 */
export async function membersAfter(after: number, perPage: number): Promise<Member[]> {
  const space = keys.memberKeyspace;
  if (after >= space.high) return [];
  const members: Member[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await documents.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :lo AND :hi',
        ExpressionAttributeValues: { ':pk': space.partition, ':lo': space.sk(after + 1), ':hi': space.sk(space.high) },
        Limit: perPage - members.length,
        ExclusiveStartKey: start,
      }),
    );
    members.push(...(out.Items ?? []).map(memberFromItem));
    start = out.LastEvaluatedKey;
  } while (start && members.length < perPage);
  return members;
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
