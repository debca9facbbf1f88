import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Conflict, NotFound } from '../errors';
import { documents, TABLE } from '../store/client';
import { conditionFailure, type Item } from '../store/conditions';
import { keys } from '../store/keys';
import { queryAll } from '../store/query';
import { definitionJson, parseDefinitionJson } from './json';
import type { ClientDefinition } from './rules';

/**
 * The client registry on the shared table. A live client item holds its definition as a
 * JSON string (kept exactly as given, numbers digit for digit: DynamoDB's own maps would
 * refuse deep nesting, and its numbers hold 38 digits and no 1e400) and its `timestamp` apart, so a keepalive is one small update.
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

/** A refusal for a client whose tombstone still stands, or `undefined` when there is none. */
function invalidated(namespace: string, name: string, item: Item | undefined, now: number): Conflict | undefined {
  const until = Number(item?.invalidatedUntil);
  if (!(until > now)) return undefined;
  return new Conflict(`Client ${name} in namespace ${namespace} is invalidated until ${until}`, Math.max(1, until - now));
}

/** Creates or replaces a client, unless an invalidation still refuses it (409). */
export async function putClient(namespace: string, definition: ClientDefinition, now: number): Promise<void> {
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
  } catch (err) {
    const failure = conditionFailure(err);
    throw (failure && invalidated(namespace, definition.name, failure.item, now)) ?? err;
  }
}

/** Records a keepalive of a live client: 404 when there is none, 409 when it is invalidated. */
export async function touchClient(namespace: string, name: string, now: number): Promise<ClientDefinition> {
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
    return definitionOf(Attributes!);
  } catch (err) {
    const failure = conditionFailure(err);
    if (!failure) throw err;
    throw invalidated(namespace, name, failure.item, now) ?? new NotFound(`Client ${name} not found`);
  }
}

/**
 * Removes a live client (404 when there is none). With `invalidatedUntil`, a tombstone
 * takes its place in the same write, so nothing can register between the two.
 */
export async function removeClient(namespace: string, name: string, invalidatedUntil?: number): Promise<void> {
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
      return;
    }
    await documents.send(
      new PutCommand({
        TableName: TABLE,
        Item: { ...keys.client(namespace, name), namespace, name, invalidatedUntil, expiresAt: invalidatedUntil },
        // Only a registered client is removed; a missing one or a tombstone is a 404.
        ConditionExpression: LIVE,
      }),
    );
  } catch (err) {
    if (!conditionFailure(err)) throw err;
    throw new NotFound(`Client ${name} not found`);
  }
}

/** One client, or undefined. */
export async function getClient(namespace: string, name: string): Promise<ClientDefinition | undefined> {
  const { Item } = await documents.send(new GetCommand({ TableName: TABLE, Key: keys.client(namespace, name), ConsistentRead: true }));
  return Item && Item.clientJson !== undefined ? definitionOf(Item) : undefined;
}

/** Every client of a namespace, by name: one Query stream over its partition. */
export async function listNamespace(namespace: string): Promise<ClientDefinition[]> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk',
    FilterExpression: LIVE,
    ExpressionAttributeValues: { ':pk': keys.clientsOf(namespace) },
    ConsistentRead: true,
  });
  return items.map(definitionOf);
}

/** Every client of every namespace, by namespace and name: one Query stream over the index partition. */
export async function listEveryNamespace(): Promise<StoredClient[]> {
  const items = await queryAll({
    IndexName: 'GSI1',
    KeyConditionExpression: 'GSI1PK = :pk',
    FilterExpression: LIVE,
    ExpressionAttributeValues: { ':pk': keys.clientsIndexPartition },
  });
  return items.map(storedOf);
}
