import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents, TABLE } from '../store/client';
import { conditionFailure, type Item } from '../store/conditions';
import { keys } from '../store/keys';
import { queryShardsAll, queryShardsCount, queryShardsPage } from '../store/sharded';
import { definitionJson, parseDefinitionJson } from './json';
import type { ClientDefinition } from './rules';

/**
 * The client store: the client registry on the shared table. Outcomes are typed
 * (`invalidated` carries the tombstone's time); lib/clients/use-cases.ts tells them as errors. A live client item holds its definition as a
 * JSON string (kept exactly as given, numbers digit for digit: DynamoDB's own maps would
 * refuse deep nesting, and its numbers hold 38 digits and no 1e400) and its `timestamp` apart, so a keepalive is one small update.
 * Clients are sharded by name (lib/store/keys.ts CLIENT_SHARDS): lists read every shard in
 * parallel and merge them by name (lib/store/sharded.ts).
 * A removal with invalidate_expire leaves a tombstone in its place (`invalidatedUntil`,
 * with the TTL at the same time) that refuses keepalives and re-registrations until then.
 */

export interface StoredClient {
  namespace: string;
  definition: ClientDefinition;
}

const LIVE = 'attribute_exists(clientJson)';

function definitionOf(item: Item): ClientDefinition {
  const parsed = parseDefinitionJson(String(item.clientJson)) as ClientDefinition;
  return { ...parsed, timestamp: Number(item.timestamp) };
}

const storedOf = (item: Item): StoredClient => ({ namespace: String(item.namespace), definition: definitionOf(item) });

/** A tombstone still refuses the client until `until` (unix seconds). */
export type Invalidated = { kind: 'invalidated'; until: number };

/** The tombstone an item carries that still stands at `now`, or `undefined`. */
function invalidated(item: Item | undefined, now: number): Invalidated | undefined {
  const until = Number(item?.invalidatedUntil);
  return until > now ? { kind: 'invalidated', until } : undefined;
}

/** Creates or replaces a client, unless an invalidation still refuses it. */
export async function putClient(namespace: string, definition: ClientDefinition, now: number): Promise<{ kind: 'done' } | Invalidated> {
  const { timestamp, ...rest } = definition;
  try {
    await documents.send(
      new PutCommand({
        TableName: TABLE,
        Item: {
          ...keys.client(namespace, definition.name),
          ...keys.clientIndex(namespace, definition.name),
          namespace,
          name: definition.name,
          clientJson: definitionJson(rest),
          timestamp,
        },
        // An invalidated client may not register again until its tombstone's time has passed (TTL deletes late).
        ConditionExpression: 'attribute_not_exists(invalidatedUntil) OR invalidatedUntil <= :now',
        ExpressionAttributeValues: { ':now': now },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { kind: 'done' };
  } catch (err) {
    const failure = conditionFailure(err);
    const refused = failure && invalidated(failure.item, now);
    if (refused) return refused;
    throw err;
  }
}

/** Records a keepalive of a live client: `missing` when there is none. */
export async function touchClient(
  namespace: string,
  name: string,
  now: number,
): Promise<{ kind: 'done'; definition: ClientDefinition } | { kind: 'missing' } | Invalidated> {
  try {
    const { Attributes } = await documents.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: keys.client(namespace, name),
        UpdateExpression: 'SET #ts = :now',
        // Only a registered client keeps alive: never a tombstone, never a new item.
        ConditionExpression: LIVE,
        ExpressionAttributeNames: { '#ts': 'timestamp' },
        ExpressionAttributeValues: { ':now': now },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { kind: 'done', definition: definitionOf(Attributes!) };
  } catch (err) {
    const failure = conditionFailure(err);
    if (!failure) throw err;
    return invalidated(failure.item, now) ?? { kind: 'missing' };
  }
}

/**
 * Removes a live client (`missing` when there is none). With `invalidatedUntil`, a tombstone
 * takes its place in the same write, so nothing can register between the two.
 */
export async function removeClient(
  namespace: string,
  name: string,
  invalidatedUntil?: number,
): Promise<{ kind: 'done' } | { kind: 'missing' }> {
  try {
    if (invalidatedUntil === undefined) {
      await documents.send(
        new DeleteCommand({
          TableName: TABLE,
          Key: keys.client(namespace, name),
          // Only a registered client is removed; a missing one or a tombstone is a 404.
          ConditionExpression: LIVE,
        }),
      );
      return { kind: 'done' };
    }
    await documents.send(
      new PutCommand({
        TableName: TABLE,
        Item: { ...keys.client(namespace, name), namespace, name, invalidatedUntil, expiresAt: invalidatedUntil },
        // Only a registered client is removed; a missing one or a tombstone is a 404.
        ConditionExpression: LIVE,
      }),
    );
    return { kind: 'done' };
  } catch (err) {
    if (!conditionFailure(err)) throw err;
    return { kind: 'missing' };
  }
}

/** One client, or undefined. */
export async function getClient(namespace: string, name: string): Promise<ClientDefinition | undefined> {
  const { Item } = await documents.send(new GetCommand({ TableName: TABLE, Key: keys.client(namespace, name), ConsistentRead: true }));
  return Item && Item.clientJson !== undefined ? definitionOf(Item) : undefined;
}

/** A namespace's live clients, one Query per shard (its partitions hold only its clients and their tombstones). */
const namespaceQueries = (namespace: string) =>
  keys.clientsOf(namespace).map((pk) => ({
    KeyConditionExpression: 'PK = :pk',
    FilterExpression: LIVE,
    ExpressionAttributeValues: { ':pk': pk },
    ConsistentRead: true,
  }));

/** Every namespace's live clients, one Query per index shard (tombstones are not indexed; the filter is a guard). */
const everyNamespaceQueries = keys.clientIndexPartitions.map((pk) => ({
  IndexName: 'GSI1',
  KeyConditionExpression: 'GSI1PK = :pk',
  FilterExpression: LIVE,
  ExpressionAttributeValues: { ':pk': pk },
}));

/** A page of a list and how many the whole list holds. */
export interface Page<T> {
  items: T[];
  total: number;
}

/** Every client of a namespace, by name: its shards read in parallel and merged. */
export async function listNamespace(namespace: string): Promise<ClientDefinition[]> {
  return (await queryShardsAll(namespaceQueries(namespace), 'SK')).map(definitionOf);
}

/** `limit` clients of a namespace after the first `offset`, by name, and how many it has (a count, no definitions). */
export async function pageNamespace(namespace: string, offset: number, limit: number): Promise<Page<ClientDefinition>> {
  const shards = namespaceQueries(namespace);
  const [items, total] = await Promise.all([queryShardsPage(shards, 'SK', offset, limit, ['PK', 'SK']), queryShardsCount(shards)]);
  return { items: items.map(definitionOf), total };
}

/** Every client of every namespace, by namespace and name: the index shards read in parallel and merged. */
export async function listEveryNamespace(): Promise<StoredClient[]> {
  return (await queryShardsAll(everyNamespaceQueries, 'GSI1SK')).map(storedOf);
}

/** `limit` clients of every namespace after the first `offset`, and how many there are. */
export async function pageEveryNamespace(offset: number, limit: number): Promise<Page<StoredClient>> {
  const [items, total] = await Promise.all([
    queryShardsPage(everyNamespaceQueries, 'GSI1SK', offset, limit, ['PK', 'SK', 'GSI1PK', 'GSI1SK']),
    queryShardsCount(everyNamespaceQueries),
  ]);
  return { items: items.map(storedOf), total };
}
