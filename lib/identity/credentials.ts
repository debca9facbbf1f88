import { Unauthorized } from '../errors';
import { checkApiToken } from './api-token-store';
import { checkCredentials } from './login';
import type { Principal } from './principal';
import { roleOf } from './roles';
import { parseBasic } from './rules';
import { findSession, sessionIdOf } from './session-store';
import { verifyToken } from './tokens';
import { findUser } from './user-store';

/** Resolvers of the user credentials (./authenticate.ts recognises each by its form). */

/**
 * An access JWT (`typ` at+jwt): valid only while the session it names (`sid`) lives, and
 * acting as that session's user with the role the session holds now (a demotion or a
 * deletion rewrites or ends the session). A token without a session is not accepted.
 */
export async function fromAccessToken(token: string): Promise<Principal> {
  const claims = await verifyToken('access', token);
  if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string' || !roleOf(claims.role_id)) throw new Unauthorized('Invalid token');
  return fromSessionClaim(claims.sid);
}

/**
 * An access token's session (Ella's login or init, Sensu's): the token lives only as long
 * as it (logout, or deleting the user, revokes it at once) and acts with its current role.
 */
export async function fromSessionClaim(sid: string): Promise<Principal> {
  const session = await findSession(sid, ['ella', 'sensu']);
  if (!session) throw new Unauthorized('Session ended');
  return { kind: 'user', userId: session.userId, email: session.email, role: session.role, via: 'access-token', sessionId: sid };
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
