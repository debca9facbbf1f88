import { paginateQuery, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { documents, TABLE } from './client';
import type { Item } from './conditions';

/** The store's Query helpers: every item, one page by offset, or a count. */

type Query = Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey' | 'Limit' | 'Select'>;

/** Every item a Query matches, following LastEvaluatedKey page by page (one call per page). */
export async function queryAll(input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>): Promise<Item[]> {
  const items: Item[] = [];
  for await (const page of paginateQuery({ client: documents }, { TableName: TABLE, ...input })) items.push(...(page.Items ?? []));
  return items;
}

/**
 * The `take` items a Query matches after the first `skip`: the skipped ones are walked past
 * with only their keys (`keyNames`, enough to resume from), so a page costs what the pages
 * before it hold, not the whole partition.
 */
export async function queryPage(input: Query, skip: number, take: number, keyNames: readonly string[]): Promise<Item[]> {
  const send = (limit: number, start: Record<string, unknown> | undefined, keysOnly: boolean) =>
    documents.send(
      new QueryCommand({
        TableName: TABLE,
        ...input,
        Limit: limit,
        ExclusiveStartKey: start,
        ...(keysOnly ? { ProjectionExpression: keyNames.join(', ') } : {}),
      }),
    );
  let start: Record<string, unknown> | undefined;
  for (let left = skip; left > 0; ) {
    const out = await send(left, start, true);
    left -= out.Items?.length ?? 0;
    start = out.LastEvaluatedKey;
    if (!start) return [];
  }
  const items: Item[] = [];
  while (items.length < take) {
    const out = await send(take - items.length, start, false);
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
    if (!start) break;
  }
  return items;
}

/** How many items a Query matches (Select COUNT: no item leaves the store). */
export async function queryCount(input: Query): Promise<number> {
  let count = 0;
  for await (const page of paginateQuery({ client: documents }, { TableName: TABLE, ...input, Select: 'COUNT' })) count += page.Count ?? 0;
  return count;
}
