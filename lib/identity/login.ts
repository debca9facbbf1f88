import { config } from '../config';
import { TooManyRequests, Unauthorized } from '../errors';
import { ROLE_IDS } from './roles';
import { keepAsFailure, release, takeSlot } from './login-failures';
import { verifyPassword } from './passwords';
import { signToken } from './tokens';
import { openSession, type SessionKind, type SessionUser } from './session-store';
import { findUserForLogin, normalizeEmail, type User } from './user-store';

/**
 * Checks an email and password, as every login does (Ella, Sensu, CockroachDB, Basic).
 * An unknown email and a wrong password get the same answer after the same work: one
 * scrypt under a login slot, kept as a failure. With LOGIN_FAILURE_LIMIT failures in the
 * window the email is locked out (429) before any hash is computed.
 */
export async function checkCredentials(email: string, password: string): Promise<User> {
  const key = normalizeEmail(email);
  // Never a valid email (nor a storable key): the same answer, after the same hash.
  if (key.length === 0 || key.length > 254) {
    await verifyPassword(password, undefined);
    throw new Unauthorized('Invalid email or password');
  }
  const { slots, user } = await findUserForLogin(key);
  const slot = await takeSlot(key, slots);
  if (slot.kind === 'locked') throw new TooManyRequests('Too many failed logins; try again later', slot.seconds);
  if (slot.kind === 'busy') throw new TooManyRequests('Too many logins in progress; try again later', 1);
  const { held } = slot;
  const ok = await verifyPassword(password, user?.passwordHash).catch(async (err: unknown) => {
    await release(held);
    throw err;
  });
  if (!ok || !user) {
    await keepAsFailure(held);
    throw new Unauthorized('Invalid email or password');
  }
  await release(held);
  return { userId: user.userId, email: user.email, role: user.role };
}

/**
 * An access JWT for `user`, valid only while session `sid` lives; it acts with the role the
 * session holds at each request (`role_id` is what it was at issue, for clients to read).
 */
export async function issueAccessToken(user: Omit<User, 'userId'>, sid: string, now = Math.floor(Date.now() / 1000)) {
  const ttl = config.accessTokenTtlSeconds;
  const token = await signToken('access', { sub: user.email, email: user.email, role_id: ROLE_IDS[user.role], sid }, ttl, now);
  return { token, expiresAt: now + ttl };
}

/** A new session of `kind` for a user just checked; one deleted or changed meanwhile must log in again (401). */
export async function startSession(user: SessionUser, kind: SessionKind, now = Date.now(), refreshJti?: string) {
  const opened = await openSession(user, kind, now, refreshJti);
  if (opened.kind === 'changed') throw new Unauthorized('The account changed; log in again');
  return { secret: opened.secret, id: opened.id };
}
