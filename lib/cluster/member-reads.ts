import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documents, TABLE } from '../store/client';
import { keys } from '../store/keys';
import { getItems } from '../store/batch';
import { queryParallel, type ParallelOptions } from '../store/parallel';
import { memberFromItem, type Member } from './member';
import { ensureClusterMeta, findClusterMeta, toMeta, type ClusterMeta } from './meta';

/**
 * The member store's read half: every member, one page of them, one member, and the
 * members with the cluster item. Writes live in ./member-store.ts and its siblings;
 * everything read comes back through the one member union. Members are sharded over
 * `MEMBER_SHARDS` partitions (lib/store/keys.ts); reads of every member are parallel
 * key-range Queries over each shard's keyspace (lib/store/parallel), never a Scan, merged
 * by node id.
 */

/** Members of several shards (each in node id order) as one list in node id order. */
const byNodeId = (a: Member, b: Member) => a.nodeId - b.nodeId;

/** Every member, ordered by node id. */
export async function listMembers(consistent = false, options: Omit<ParallelOptions, 'consistent'> = {}): Promise<Member[]> {
  const shards = await Promise.all(keys.memberKeyspaces.map((space) => queryParallel(space, { ...options, consistent })));
  return shards.flat().map(memberFromItem).sort(byNodeId);
}

/**
 * Every member and the cluster item, read side by side: what autopilot, the unpaged list and
 * the watcher's pass decide on. `meta` is undefined before the cluster item exists.
 */
export async function readCluster(
  consistent = false,
  options: Omit<ParallelOptions, 'consistent' | 'through'> = {},
): Promise<{ meta: ClusterMeta | undefined; members: Member[] }> {
  const [members, meta] = await Promise.all([listMembers(consistent, options), findClusterMeta(consistent)]);
  return { meta, members };
}

/** readCluster, minting the cluster item (and its id) the first time the cluster is seen. */
export async function readMintedCluster(consistent = false): Promise<{ meta: ClusterMeta; members: Member[] }> {
  const { meta, members } = await readCluster(consistent);
  return { meta: meta ?? (await ensureClusterMeta(consistent)), members };
}

/**
 * The cluster item and its voters, consistently (the item minted the first time the cluster
 * is seen): what an election or a hand-over decides on, since only a voter may lead.
 */
export async function readElectorate(): Promise<{ meta: ClusterMeta; members: Member[] }> {
  const meta = await ensureClusterMeta(true);
  return { meta, members: await votersOf(meta) };
}

/**
 * The voters a cluster item pins (./meta.ts), each read consistently by key, all at once:
 * whatever the cluster's size, as many reads as there are voters (a handful: Raft's three,
 * five or seven), GetItems a container has made already rather than a command class of its
 * own. An item written before it kept the pins (they do not account for every voter) has
 * every member read instead, until the migration (lib/system/migrate.ts) writes them.
 */
export async function votersOf(meta: ClusterMeta): Promise<Member[]> {
  const voters = Object.keys(meta.voterPins).map(Number);
  if (voters.length !== meta.voterCount) return listMembers(true);
  return (await Promise.all(voters.map((id) => getMember(id, true)))).filter((m): m is Member => m !== undefined);
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
 * One page of members by node id: each shard's first `page × perPage` keys are walked
 * (only their keys are kept), merged, and the page's members read by key. A page costs what
 * the pages before it hold, times at most the shards; a `next` cursor costs the page.
 */
export async function pageMembers(page: number, perPage: number): Promise<Member[]> {
  const wanted = page * perPage;
  const shards = await Promise.all(keys.memberKeyspaces.map((space) => firstIds(space.partition, wanted)));
  return getMembers(
    shards
      .flat()
      .sort((a, b) => a - b)
      .slice((page - 1) * perPage, wanted),
  );
}

/** The first `n` node ids of one shard, read as keys only. */
async function firstIds(partition: string, n: number): Promise<number[]> {
  const ids: number[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await documents.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': partition, ':prefix': keys.memberPrefix },
        ProjectionExpression: 'SK',
        Limit: n - ids.length,
        ExclusiveStartKey: start,
      }),
    );
    ids.push(...(out.Items ?? []).map((item) => keys.legacyMemberKeyspace.idOf(String(item.SK))));
    start = out.LastEvaluatedKey;
  } while (start && ids.length < n);
  return ids;
}

/** Members by node id, in the order asked (one BatchGetItem per 100), those that are gone left out. */
async function getMembers(ids: readonly number[]): Promise<Member[]> {
  const items: (Record<string, unknown> | undefined)[] = [];
  for (let i = 0; i < ids.length; i += 100) items.push(...(await getItems(ids.slice(i, i + 100).map(keys.member), false)));
  return items.flatMap((item) => (item ? [memberFromItem(item)] : []));
}

/**
 * Up to `perPage` members after node id `after`, in node id order: one Query per shard
 * (each for at most a page), merged. What a `next` cursor costs: the page (times the
 * shards at most), whatever came before it.
 */
export async function membersAfter(after: number, perPage: number): Promise<Member[]> {
  const shards = await Promise.all(keys.memberKeyspaces.map((space) => shardAfter(space, after, perPage)));
  return shards.flat().sort(byNodeId).slice(0, perPage);
}

async function shardAfter(space: (typeof keys.memberKeyspaces)[number], after: number, perPage: number): Promise<Member[]> {
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

/** A member's API address alone (what status reports of the leader), or `undefined` when there is no such member. */
export async function apiAddressOf(nodeId: number): Promise<string | undefined> {
  const { Item } = await documents.send(new GetCommand({ TableName: TABLE, Key: keys.member(nodeId), ProjectionExpression: 'apiAddress' }));
  return typeof Item?.apiAddress === 'string' ? Item.apiAddress : undefined;
}
