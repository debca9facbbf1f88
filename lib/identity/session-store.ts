import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createHash, randomBytes } from 'node:crypto';
import { Unauthorized } from '../errors';
import { documents, TABLE } from '../store/client';
import { conditionFailure } from '../store/conditions';
import { keys } from '../store/keys';

/**
 * Login sessions. The client holds a random secret (the Ella cookie, the CockroachDB
 * session); the table holds only its SHA-256, which is also the session's id (`sid`) in
 * the tokens minted under it. Deleting the item revokes the session and every token that
 * names it, at the next request.
 */
export type SessionKind = 'ella' | 'sensu' | 'crdb';

export interface Session {
  id: string;
  email: string;
  kind: SessionKind;
  startedAt: number;
  lastActiveAt: number;
  /** Sensu: the one refresh token (by jti) that may still be redeemed. */
  refreshJti?: string;
  /** Set by a CockroachDB logout: the item stays (until its TTL) so a repeated logout is recognised. */
  revokedAt?: number;
  expiresAt: number;
}

export const SESSION_TTL_SECONDS = 12 * 3600;

export const sessionIdOf = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export function newSessionSecret(): { secret: string; id: string } {
  const secret = randomBytes(32).toString('base64url');
  return { secret, id: sessionIdOf(secret) };
}

const fromItem = (i: Record<string, unknown>): Session => ({
  id: String(i.id),
  email: String(i.email),
  kind: i.kind as SessionKind,
  startedAt: Number(i.startedAt),
  lastActiveAt: Number(i.lastActiveAt ?? i.startedAt),
  ...(typeof i.refreshJti === 'string' ? { refreshJti: i.refreshJti } : {}),
  ...(typeof i.revokedAt === 'number' ? { revokedAt: i.revokedAt } : {}),
  expiresAt: Number(i.expiresAt),
});

const live = (s: Session, now: number) => s.expiresAt * 1000 > now && s.revokedAt === undefined;

export async function createSession(session: Session): Promise<void> {
  await documents.send(
    new PutCommand({
      TableName: TABLE,
      Item: { ...keys.session(session.id), ...keys.sessionIndex(session.startedAt, session.id), ...session },
      // The id is a hash of 32 random bytes: a collision would be a bug, never overwrite.
      ConditionExpression: 'attribute_not_exists(PK)',
    }),
  );
}

export async function findSession(id: string, now = Date.now()): Promise<Session | undefined> {
  const { Item } = await documents.send(new GetCommand({ TableName: TABLE, Key: keys.session(id), ConsistentRead: true }));
  const session = Item ? fromItem(Item) : undefined;
  return session && live(session, now) ? session : undefined;
}

export async function deleteSession(id: string): Promise<void> {
  await documents.send(new DeleteCommand({ TableName: TABLE, Key: keys.session(id) }));
}

/**
 * Revokes session `id` and keeps its item until the TTL takes it, as CockroachDB keeps a
 * revoked web session: revoking it again is still 'revoked'; an id never issued is 'unknown'.
 */
export async function revokeSession(id: string, now = Date.now()): Promise<'revoked' | 'unknown'> {
  try {
    await documents.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: keys.session(id),
        UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :now)',
        // Only an issued session can be revoked: an update must not create an item for an unknown id.
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':now': now },
      }),
    );
    return 'revoked';
  } catch (err) {
    if (conditionFailure(err)) return 'unknown';
    throw err;
  }
}

/**
 * Redeems refresh token `jti` of session `id`, making `next` the only one redeemable.
 * A jti that is not the current one was redeemed before: a replay, so the whole session
 * is revoked (whoever holds the newer token loses it too), as OAuth's reuse detection does.
 */
export async function rotateRefresh(id: string, jti: string, next: string, now = Date.now()): Promise<Session> {
  try {
    const out = await documents.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: keys.session(id),
        UpdateExpression: 'SET refreshJti = :next, lastActiveAt = :now',
        // Single use: only the current refresh token rotates, and only in a live session.
        ConditionExpression: 'refreshJti = :jti AND expiresAt > :nowSeconds',
        ExpressionAttributeValues: { ':next': next, ':now': now, ':jti': jti, ':nowSeconds': Math.floor(now / 1000) },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return fromItem(out.Attributes!);
  } catch (err) {
    const failed = conditionFailure(err);
    if (!failed) throw err;
    if (failed.item && failed.item.refreshJti !== jti) {
      await deleteSession(id);
      throw new Unauthorized('Refresh token already used: the session is revoked');
    }
    throw new Unauthorized('Session expired');
  }
}

/** Live sessions, oldest first (one index Query; the TTL deletes late, so expiry is filtered). */
export async function listSessions(now = Date.now()): Promise<Session[]> {
  const sessions: Session[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await documents.send(
      new QueryCommand({
        TableName: TABLE,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.sessionsPartition },
        ExclusiveStartKey: start,
      }),
    );
    sessions.push(...(out.Items ?? []).map(fromItem).filter((s) => live(s, now)));
    start = out.LastEvaluatedKey;
  } while (start);
  return sessions;
}
