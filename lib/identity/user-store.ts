import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { auditedWrite, type AuditEntry } from '../audit/audit';
import { documents, TABLE } from '../store/client';
import { cancellationReasons, conditionFailure } from '../store/conditions';
import { keys } from '../store/keys';
import { queryCount, queryPage } from '../store/query';
import { getItems } from '../store/batch';
import { slotsFromItem } from './login-failures';
import type { LoginSlots } from './rules';
import { ROLE_IDS, roleOf, type Role } from './roles';
import { randomBytes } from 'node:crypto';

/**
 * Users: one partition, ordered by email. Emails are kept lower-case: one person, one key.
 * Writes answer what happened as a typed outcome; the use cases (./users, lib/system) say
 * what that means to a caller.
 */

export interface User {
  /** Minted at creation: credentials are bound to it, so a re-created email is another user. */
  userId: string;
  email: string;
  role: Role;
}
export interface StoredUser extends User {
  passwordHash: string;
}

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();
export const newUserId = (): string => randomBytes(16).toString('hex');

/**
 * A user as created. An item without the id minted at creation predates ids (run the
 * migration): it is no account anyone can act as, or every such user would share one id.
 */
const fromItem = (item: Record<string, unknown> | undefined): StoredUser | undefined =>
  item && typeof item.userId === 'string'
    ? { userId: item.userId, email: String(item.email), role: roleOf(item.roleId) ?? 'readonly', passwordHash: String(item.passwordHash) }
    : undefined;

const userItem = (user: StoredUser, now: number) => ({
  ...keys.user(user.email),
  userId: user.userId,
  email: user.email,
  roleId: ROLE_IDS[user.role],
  passwordHash: user.passwordHash,
  createdAt: new Date(now).toISOString(),
});

export async function findUser(email: string): Promise<StoredUser | undefined> {
  const { Item } = await documents.send(new GetCommand({ TableName: TABLE, Key: keys.user(normalizeEmail(email)), ConsistentRead: true }));
  return fromItem(Item);
}

/** The user and the email's login slots (known email or not) in one consistent read: what a login decides on. */
export async function findUserForLogin(email: string): Promise<{ user?: StoredUser; slots: LoginSlots }> {
  const key = normalizeEmail(email);
  const [user, failures] = await getItems([keys.user(key), keys.loginFailures(key)]);
  return { user: fromItem(user), slots: slotsFromItem(failures) };
}

const usersQuery = {
  KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
  ExpressionAttributeValues: { ':pk': keys.usersPartition, ':prefix': keys.userPrefix },
  ConsistentRead: true,
};

/**
 * Page `page` (1-based) of `perPage` users by email, and how many there are. DynamoDB has no
 * offset: the read stops after the page, but walks the pages before it (keys only);
 * the total is DynamoDB's count, no item sent back.
 */
export async function pageUsers(page: number, perPage: number): Promise<{ users: User[]; total: number }> {
  const [items, total] = await Promise.all([
    queryPage({ ...usersQuery, ProjectionExpression: 'userId, email, roleId' }, (page - 1) * perPage, perPage, ['PK', 'SK']),
    queryCount(usersQuery),
  ]);
  const users = items.map((i) => ({ userId: String(i.userId), email: String(i.email), role: roleOf(i.roleId) ?? 'readonly' }));
  return { users, total };
}

/** A write to one user: done (with the user's id), or there was no such user. */
export type UserWrite = { kind: 'done'; userId: string } | { kind: 'missing' };

export async function createUser(user: StoredUser, audit: AuditEntry, now = Date.now()): Promise<{ kind: 'done' } | { kind: 'exists' }> {
  try {
    await documents.send(
      auditedWrite(
        [
          {
            Put: {
              TableName: TABLE,
              Item: userItem(user, now),
              // One user per email: a second create must not overwrite the first's password.
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
        ],
        audit,
        now,
      ),
    );
    return { kind: 'done' };
  } catch (err) {
    if (cancellationReasons(err)?.[0]?.code === 'ConditionalCheckFailed') return { kind: 'exists' };
    throw err;
  }
}

/**
 * The first admin and the cluster's `initialized` flag, together: answered only while the
 * cluster is not initialized, so two concurrent inits cannot both create an admin.
 */
export async function createFirstAdmin(
  user: StoredUser,
  audit: AuditEntry,
  now = Date.now(),
): Promise<{ kind: 'done' } | { kind: 'initialized' }> {
  try {
    await documents.send(
      auditedWrite(
        [
          {
            Update: {
              TableName: TABLE,
              Key: keys.clusterMeta(),
              UpdateExpression: 'SET initialized = :true',
              // Init happens once: the flag is false until the first admin exists. The item
              // must exist already (its cluster id is minted before, by lib/system/init).
              ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(initialized) OR initialized = :false)',
              ExpressionAttributeValues: { ':true': true, ':false': false },
            },
          },
          {
            Put: {
              TableName: TABLE,
              Item: userItem(user, now),
              // Never overwrite a user, even one created outside init.
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
        ],
        audit,
        now,
      ),
    );
    return { kind: 'done' };
  } catch (err) {
    const reasons = cancellationReasons(err);
    // Initialized already, or the email taken (which only a past init or a user create can do).
    if (reasons?.[0]?.code === 'ConditionalCheckFailed' || reasons?.[1]?.code === 'ConditionalCheckFailed') return { kind: 'initialized' };
    throw err;
  }
}

/** Sets attributes of an existing user, never creating one. */
async function updateUser(email: string, set: Record<string, unknown>): Promise<UserWrite> {
  const names = Object.keys(set);
  try {
    const out = await documents.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: keys.user(normalizeEmail(email)),
        UpdateExpression: `SET ${names.map((n, i) => `#a${i} = :v${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#a${i}`, n])),
        ExpressionAttributeValues: Object.fromEntries(names.map((n, i) => [`:v${i}`, set[n]])),
        // Updating must not create a user out of nothing.
        ConditionExpression: 'attribute_exists(PK)',
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { kind: 'done', userId: String(out.Attributes?.userId) };
  } catch (err) {
    if (conditionFailure(err)) return { kind: 'missing' };
    throw err;
  }
}

export const setRole = (email: string, role: Role) => updateUser(email, { roleId: ROLE_IDS[role] });
export const setPasswordHash = (email: string, passwordHash: string, now = Date.now()) =>
  updateUser(email, { passwordHash, passwordChangedAt: new Date(now).toISOString() });

/**
 * Recovery (the bootstrap function's `reset`): `user` becomes an admin with this password,
 * and the email's failed logins are forgotten, in one transaction with its audit entry. An
 * existing account keeps its id (`seen`: the id read, so a delete and re-create in between
 * is not reset blindly); a missing one is created. Answers the account's id, or 'moved' when
 * the account is no longer as read (deleted, re-created or created since).
 */
export async function resetToAdmin(
  user: StoredUser,
  seen: string | undefined,
  audit: AuditEntry,
  now = Date.now(),
): Promise<{ kind: 'done'; userId: string } | { kind: 'moved' }> {
  const account = seen
    ? {
        Update: {
          TableName: TABLE,
          Key: keys.user(user.email),
          UpdateExpression: 'SET passwordHash = :hash, roleId = :admin, passwordChangedAt = :at',
          // The account read is the one reset: not one deleted and re-created since.
          ConditionExpression: 'userId = :seen',
          ExpressionAttributeValues: {
            ':hash': user.passwordHash,
            ':admin': ROLE_IDS.admin,
            ':at': new Date(now).toISOString(),
            ':seen': seen,
          },
        },
      }
    : {
        Put: {
          TableName: TABLE,
          Item: userItem({ ...user, role: 'admin' }, now),
          // Created only if still missing: never overwrite an account made since the read.
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      };
  try {
    await documents.send(auditedWrite([account, { Delete: { TableName: TABLE, Key: keys.loginFailures(user.email) } }], audit, now));
  } catch (err) {
    if (cancellationReasons(err)?.[0]?.code === 'ConditionalCheckFailed') return { kind: 'moved' };
    throw err;
  }
  return { kind: 'done', userId: seen ?? user.userId };
}

/** Deletes a user; done answers the deleted user's id (whose credentials are to be revoked). */
export async function deleteUser(email: string): Promise<UserWrite> {
  try {
    const out = await documents.send(
      new DeleteCommand({
        TableName: TABLE,
        Key: keys.user(normalizeEmail(email)),
        // A missing user is told apart from a deleted one, not a silent success.
        ConditionExpression: 'attribute_exists(PK)',
        ReturnValues: 'ALL_OLD',
      }),
    );
    return { kind: 'done', userId: String(out.Attributes?.userId) };
  } catch (err) {
    if (conditionFailure(err)) return { kind: 'missing' };
    throw err;
  }
}
