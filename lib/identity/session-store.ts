import { DeleteCommand, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createHash, randomBytes } from 'node:crypto';
import { documents, TABLE } from '../store/client';
import { cancellationReasons, conditionFailure } from '../store/conditions';
import { keys } from '../store/keys';
import { queryAll } from '../store/query';
import { ROLE_IDS, roleOf, type Role } from './roles';

/**
 * Login sessions. The client holds a random secret (the Ella cookie, the CockroachDB
 * session); the table holds only its SHA-256, which is also the session's id (`sid`) in
 * the tokens minted under it. Deleting the item revokes the session and every token that
 * names it, at the next request.
 *
 * A session carries its user as created (the user id minted at creation, never only the
 * email) and the user's current role: changing a user's role rewrites it on their sessions,
 * deleting the user deletes them (both through the per-user pointer partition), so every
 * credential resolved from a session acts with the current role or not at all.
 */

/** Where a session was opened, and so the one surface that accepts it. */
export type SessionKind = 'ella' | 'sensu' | 'crdb';

export interface Session {
  id: string;
  userId: string;
  email: string;
  role: Role;
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
  userId: String(i.userId),
  email: String(i.email),
  role: roleOf(i.roleId) ?? 'readonly',
  kind: i.kind as SessionKind,
  startedAt: Number(i.startedAt),
  lastActiveAt: Number(i.lastActiveAt ?? i.startedAt),
  ...(typeof i.refreshJti === 'string' ? { refreshJti: i.refreshJti } : {}),
  ...(typeof i.revokedAt === 'number' ? { revokedAt: i.revokedAt } : {}),
  expiresAt: Number(i.expiresAt),
});

const live = (s: Session, now: number) => s.expiresAt * 1000 > now && s.revokedAt === undefined;

/** The user a session is opened for, as they are now. */
export interface SessionUser {
  userId: string;
  email: string;
  role: Role;
}

/**
 * Opens a session of `kind` for `user`: the session, its pointer in the user's partition and
 * a check that the user is still the one (same id, same role) that logged in, in one
 * transaction — a login racing a delete or a role change cannot leave a session behind.
 */
export async function openSession(
  user: SessionUser,
  kind: SessionKind,
  now = Date.now(),
  refreshJti?: string,
): Promise<{ kind: 'opened'; secret: string; id: string } | { kind: 'changed' }> {
  const { secret, id } = newSessionSecret();
  const expiresAt = Math.floor(now / 1000) + SESSION_TTL_SECONDS;
  const { userId, email, role } = user;
  const session = {
    id,
    userId,
    email,
    roleId: ROLE_IDS[role],
    kind,
    startedAt: now,
    lastActiveAt: now,
    ...(refreshJti ? { refreshJti } : {}),
    expiresAt,
  };
  try {
    await documents.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            ConditionCheck: {
              TableName: TABLE,
              Key: keys.user(user.email),
              // The account that logged in still exists, as created and with this role.
              ConditionExpression: 'userId = :userId AND roleId = :roleId',
              ExpressionAttributeValues: { ':userId': user.userId, ':roleId': ROLE_IDS[role] },
            },
          },
          {
            Put: {
              TableName: TABLE,
              Item: { ...keys.session(id), ...keys.sessionIndex(now, id), ...session },
              // The id is a hash of 32 random bytes: a collision would be a bug, never overwrite.
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          { Put: { TableName: TABLE, Item: { ...keys.userSession(user.userId, id), expiresAt } } },
        ],
      }),
    );
  } catch (err) {
    if (cancellationReasons(err)?.[0]?.code === 'ConditionalCheckFailed') return { kind: 'changed' };
    throw err;
  }
  return { kind: 'opened', secret, id };
}

/** The live session `id` of one of `kinds` (each session kind is accepted only where it is issued). */
export async function findSession(id: string, kinds: readonly SessionKind[], now = Date.now()): Promise<Session | undefined> {
  const { Item } = await documents.send(new GetCommand({ TableName: TABLE, Key: keys.session(id), ConsistentRead: true }));
  // A session without a user id predates user ids: it names no account as created.
  const session = Item && typeof Item.userId === 'string' ? fromItem(Item) : undefined;
  return session && kinds.includes(session.kind) && live(session, now) ? session : undefined;
}

/** The ids of a user's sessions (one consistent Query of their pointer partition). */
async function sessionIdsOf(userId: string): Promise<string[]> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': keys.userSessionsPartition(userId) },
    ProjectionExpression: 'SK',
    ConsistentRead: true,
  });
  return items.map((i) => String(i.SK).slice('SESSION#'.length));
}

/** Ends every session of a deleted user, with their pointers: no token bound to one works after. */
export async function revokeSessionsOf(userId: string): Promise<void> {
  for (const id of await sessionIdsOf(userId)) {
    await deleteSession(id);
    await documents.send(new DeleteCommand({ TableName: TABLE, Key: keys.userSession(userId, id) }));
  }
}

/** Gives every session of a user their new role: the next request of each of their tokens acts with it. */
export async function setSessionsRole(userId: string, role: Role): Promise<void> {
  for (const id of await sessionIdsOf(userId)) {
    try {
      await documents.send(
        new UpdateCommand({
          TableName: TABLE,
          Key: keys.session(id),
          UpdateExpression: 'SET roleId = :roleId',
          // An ended session stays ended: never recreate it as a bare item.
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':roleId': ROLE_IDS[role] },
        }),
      );
    } catch (err) {
      if (!conditionFailure(err)) throw err;
    }
  }
}

export async function deleteSession(id: string): Promise<void> {
  await documents.send(new DeleteCommand({ TableName: TABLE, Key: keys.session(id) }));
}

/**
 * Revokes session `id` and keeps its item until the TTL takes it, as CockroachDB keeps a
 * revoked web session: revoking it again is still done; an id never issued is missing.
 */
export async function revokeSession(id: string, now = Date.now()): Promise<{ kind: 'done' } | { kind: 'missing' }> {
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
    return { kind: 'done' };
  } catch (err) {
    if (conditionFailure(err)) return { kind: 'missing' };
    throw err;
  }
}

/**
 * Redeems refresh token `jti` of session `id`, making `next` the only one redeemable.
 * A jti that is not the current one was redeemed before: a replay, so the whole session
 * is revoked (whoever holds the newer token loses it too), as OAuth's reuse detection does:
 * 'replayed'. A session ended or expired: 'ended'.
 */
export async function rotateRefresh(
  id: string,
  jti: string,
  next: string,
  now = Date.now(),
): Promise<{ kind: 'done'; session: Session } | { kind: 'replayed' } | { kind: 'ended' }> {
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
    return { kind: 'done', session: fromItem(out.Attributes!) };
  } catch (err) {
    const failed = conditionFailure(err);
    if (!failed) throw err;
    if (failed.item && failed.item.refreshJti !== jti) {
      await deleteSession(id);
      return { kind: 'replayed' };
    }
    return { kind: 'ended' };
  }
}

/** Live sessions, oldest first (one index Query; the TTL deletes late, so expiry is filtered). */
export async function listSessions(now = Date.now()): Promise<Session[]> {
  const items = await queryAll({
    IndexName: 'GSI1',
    KeyConditionExpression: 'GSI1PK = :pk',
    ExpressionAttributeValues: { ':pk': keys.sessionsPartition },
  });
  return items.map(fromItem).filter((s) => live(s, now));
}
