import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents, TABLE } from '../store/client';
import { conditionFailure } from '../store/conditions';
import { keys } from '../store/keys';
import { LOGIN_LOCKOUT_SECONDS, LOGIN_WINDOW_SECONDS, type LoginFailures } from './rules';

/** Consecutive failed logins per email, known or not (counting only known ones would say which exist). */

export const failuresFromItem = (item: Record<string, unknown>): LoginFailures => ({
  count: Number(item.count),
  windowStart: Number(item.windowStart),
  lastAt: Number(item.lastAt),
});

const ttl = (now: number) => Math.floor(now / 1000) + LOGIN_WINDOW_SECONDS + LOGIN_LOCKOUT_SECONDS;

/** Counts one failure: into the current window, or as the first of a new one. */
export async function recordFailure(email: string, now = Date.now()): Promise<void> {
  const cutoff = now - LOGIN_WINDOW_SECONDS * 1000;
  try {
    await documents.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: keys.loginFailures(email),
        UpdateExpression: 'SET #count = #count + :one, lastAt = :now, expiresAt = :ttl',
        // Only failures within the window add up; an older window starts over (below).
        ConditionExpression: 'windowStart > :cutoff',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':one': 1, ':now': now, ':ttl': ttl(now), ':cutoff': cutoff },
      }),
    );
  } catch (err) {
    if (!conditionFailure(err)) throw err;
    await documents.send(
      new PutCommand({
        TableName: TABLE,
        Item: { ...keys.loginFailures(email), count: 1, windowStart: now, lastAt: now, expiresAt: ttl(now) },
      }),
    );
  }
}

/** A successful login resets the count. */
export async function clearFailures(email: string): Promise<void> {
  await documents.send(new DeleteCommand({ TableName: TABLE, Key: keys.loginFailures(email) }));
}
