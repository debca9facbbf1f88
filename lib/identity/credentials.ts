import { Unauthorized } from '../errors';
import { checkApiToken } from './api-token-store';
import { checkCredentials } from './login';
import type { Principal } from './principal';
import { roleOf } from './roles';
import { parseBasic } from './rules';
import { findSession, sessionIdOf, type Session } from './session-store';
import { keyringCached } from './signing-keys';
import { unverifiedClaim, verifyToken } from './tokens';
import { findUser } from './user-store';

/** Resolvers of the user credentials (./authenticate.ts recognises each by its form). */

/**
 * An access JWT (`typ` at+jwt): valid only while the session it names (`sid`) lives, and
 * acting as that session's user with the role the session holds now (a demotion or a
 * deletion rewrites or ends the session). A token without a session is not accepted.
 */
export async function fromAccessToken(token: string): Promise<Principal> {
  const ahead = keyringCached() ? undefined : sessionAhead(token);
  const claims = await verifyToken('access', token);
  if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string' || !roleOf(claims.role_id)) throw new Unauthorized('Invalid token');
  const session = await (ahead?.sid === claims.sid ? ahead.session : findSession(claims.sid, ACCESS_SESSIONS));
  if (!session) throw new Unauthorized('Session ended');
  return { kind: 'user', userId: session.userId, email: session.email, role: session.role, via: 'access-token', sessionId: claims.sid };
}

/** The sessions an access token may name (Ella's login or init, Sensu's): it lives only as long as its session. */
const ACCESS_SESSIONS = ['ella', 'sensu'] as const;
const SESSION_ID = /^[0-9a-f]{64}$/;

/**
 * The session a token names, read before its signature is checked: only where the check
 * must read the keyring first (a new container, or the cache past KEY_CACHE_SECONDS), so
 * both reads go out together, one round trip instead of two. Nothing read is used unless
 * the token then verifies and names this very session; a forged token costs that one read
 * at most once per keyring read of a container, and none while the keyring is cached.
 */
function sessionAhead(token: string): { sid: string; session: Promise<Session | undefined> } | undefined {
  const sid = unverifiedClaim(token, 'sid');
  if (typeof sid !== 'string' || !SESSION_ID.test(sid)) return undefined;
  const session = findSession(sid, ACCESS_SESSIONS);
  // Unused when the token does not verify: its failure must not go unhandled.
  session.catch(() => undefined);
  return { sid, session };
}

/** `roster_<id>_<secret>`: a live token whose owner still exists as created, with the owner's current role. */
export async function fromApiToken(bearer: string): Promise<Principal> {
  const token = await checkApiToken(bearer);
  const user = token ? await findUser(token.email) : undefined;
  // The same email re-created later is another user: the token names the id it was minted for.
  if (!token || !user || user.userId !== token.userId) throw new Unauthorized('Invalid API token');
  return { kind: 'user', userId: user.userId, email: user.email, role: user.role, via: 'api-token' };
}

/** `X-Cockroach-API-Session`: a live CockroachDB session (no other kind), with its user's current role. */
export async function fromSessionSecret(secret: string): Promise<Principal> {
  const session = secret.length <= 512 ? await findSession(sessionIdOf(secret), ['crdb']) : undefined;
  if (!session) throw new Unauthorized('Invalid or expired session');
  return { kind: 'user', userId: session.userId, email: session.email, role: session.role, via: 'session', sessionId: session.id };
}

/** Basic, only where the modelled system takes it (RouteSpec.basicAuth): each costs a password hash. */
export async function fromBasic(authorization: string): Promise<Principal> {
  const basic = parseBasic(authorization);
  if (!basic) throw new Unauthorized('Malformed Basic credentials');
  const user = await checkCredentials(basic.username, basic.password);
  return { kind: 'user', userId: user.userId, email: user.email, role: user.role, via: 'basic' };
}
