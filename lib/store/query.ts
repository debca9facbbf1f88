import { paginateQuery, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { documents, TABLE } from './client';
import type { Item } from './conditions';

/** Every item a Query matches, following LastEvaluatedKey page by page (one call per page). */
export async function queryAll(input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>): Promise<Item[]> {
  const items: Item[] = [];
  for await (const page of paginateQuery({ client: documents }, { TableName: TABLE, ...input })) items.push(...(page.Items ?? []));
  return items;
}
