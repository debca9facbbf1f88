import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { documents, TABLE } from '../store/client';
import { conditionFailure } from '../store/conditions';
import { keys } from '../store/keys';
import { queryAll } from '../store/query';

/**
 * API tokens: `roster_<id>_<secret>`. The id (16 hex) is public and keys the item; the
 * secret (32 random bytes) is shown once and stored as its SHA-256 (it has the entropy
 * of a key, so a slow hash would add nothing). `expiresAt` is also the TTL attribute.
 */
export interface ApiToken {
  id: string;
  /** The owner as created: a later account of the same email is not the owner. */
  userId: string;
  email: string;
  name: string;
  /** Unix seconds, or undefined: never expires. */
  expiresAt?: number;
  createdAt: number;
}

const FORM = /^roster_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

const hashOf = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export function mintApiToken(): { id: string; secret: string; token: string; secretHash: string } {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, secret, token: `roster_${id}_${secret}`, secretHash: hashOf(secret) };
}

const fromItem = (i: Record<string, unknown>): ApiToken => ({
  id: String(i.id),
  userId: String(i.userId),
  email: String(i.email),
  name: String(i.name),
  ...(typeof i.expiresAt === 'number' ? { expiresAt: i.expiresAt } : {}),
  createdAt: Number(i.createdAt),
});

const live = (t: ApiToken, now: number) => t.expiresAt === undefined || t.expiresAt * 1000 > now;

export async function putApiToken(token: ApiToken, secretHash: string): Promise<void> {
  await documents.send(
    new PutCommand({
      TableName: TABLE,
      Item: { ...keys.apiToken(token.id), ...keys.apiTokenIndex(token.userId, token.id), ...token, secretHash },
      // 64 random bits of id: a collision would be a bug, never overwrite another's token.
      ConditionExpression: 'attribute_not_exists(PK)',
    }),
  );
}

/** The live token a bearer names, when its secret matches (in constant time); undefined otherwise. */
export async function checkApiToken(bearer: string, now = Date.now()): Promise<ApiToken | undefined> {
  const m = FORM.exec(bearer);
  if (!m) return undefined;
  const { Item } = await documents.send(new GetCommand({ TableName: TABLE, Key: keys.apiToken(m[1]!), ConsistentRead: true }));
  if (!Item || typeof Item.secretHash !== 'string') return undefined;
  const expected = Buffer.from(Item.secretHash, 'hex');
  const actual = Buffer.from(hashOf(m[2]!), 'hex');
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
  const token = fromItem(Item);
  return live(token, now) ? token : undefined;
}

/** A user's live tokens, by id (one index Query of the user id's partition). */
export async function listApiTokens(userId: string, now = Date.now()): Promise<ApiToken[]> {
  const items = await queryAll({
    IndexName: 'GSI1',
    KeyConditionExpression: 'GSI1PK = :pk',
    ExpressionAttributeValues: { ':pk': keys.apiTokensOf(userId) },
  });
  return items.map(fromItem).filter((t) => live(t, now));
}

/** Deletes a token of `userId`'s; anyone else's, or none, is missing. */
export async function deleteApiToken(userId: string, id: string): Promise<{ kind: 'done' } | { kind: 'missing' }> {
  try {
    await documents.send(
      new DeleteCommand({
        TableName: TABLE,
        Key: keys.apiToken(id),
        // A user revokes only their own tokens; anyone else's is as good as missing.
        ConditionExpression: 'userId = :userId',
        ExpressionAttributeValues: { ':userId': userId },
      }),
    );
    return { kind: 'done' };
  } catch (err) {
    if (conditionFailure(err)) return { kind: 'missing' };
    throw err;
  }
}
