import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documents, TABLE } from '../store/client';
import { keys } from '../store/keys';
import { queryParallel, type ParallelOptions } from '../store/parallel';
import { memberFromItem, type Member } from './member';
import { toMeta, type ClusterMeta } from './meta';

/**
 * The reads that take in every member, for autopilot and the watcher: parallel key-range
 * Queries over the member keyspace (lib/store/parallel), never a Scan. At 10 members they
 * cost the one Query they always did; at 10,000 a few rounds of parallel pages instead of
 * one page after another.
 */

/** Every member, ordered by node id. */
export async function listAllMembers(consistent = false, options: Omit<ParallelOptions, 'consistent'> = {}): Promise<Member[]> {
  return (await queryParallel(keys.memberKeyspace, { ...options, consistent })).map(memberFromItem);
}

/**
 * Every member and the cluster item, which sorts just after them, in the same ranges (one
 * Query at a small size, as before); `meta` is undefined before the cluster item exists.
 */
export async function readAllMembers(
  consistent = false,
  options: Omit<ParallelOptions, 'consistent' | 'through'> = {},
): Promise<{ meta: ClusterMeta | undefined; members: Member[] }> {
  const items = await queryParallel(keys.memberKeyspace, { ...options, consistent, through: keys.clusterMetaSk });
  const last = items.at(-1);
  const meta = last?.SK === keys.clusterMetaSk ? toMeta(last) : undefined;
  return { meta, members: (meta ? items.slice(0, -1) : items).map(memberFromItem) };
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
