import { paginateQuery, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { documents, TABLE } from './client';
import type { Item } from './conditions';

/** Every item a Query matches, following LastEvaluatedKey page by page (one call per page). */
export async function queryAll(input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>): Promise<Item[]> {
  const items: Item[] = [];
  for await (const page of paginateQuery({ client: documents }, { TableName: TABLE, ...input })) items.push(...(page.Items ?? []));
  return items;
}

type QueryInput = Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey' | 'Limit' | 'Select'>;

/** The first `n` items a Query matches, in key order: it stops reading once it has them. */
export async function queryFirst(input: QueryInput, n: number): Promise<Item[]> {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const out = await documents.send(new QueryCommand({ TableName: TABLE, ...input, Limit: n - items.length, ExclusiveStartKey: start }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start && items.length < n);
  return items;
}

/** How many items a Query matches: DynamoDB counts them and sends none back (one call per 1 MB read). */
export async function queryCount(input: Omit<QueryInput, 'ProjectionExpression'>): Promise<number> {
  let count = 0;
  for await (const page of paginateQuery({ client: documents }, { TableName: TABLE, ...input, Select: 'COUNT' })) count += page.Count ?? 0;
  return count;
}
