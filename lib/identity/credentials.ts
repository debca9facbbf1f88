import { Unauthorized } from '../errors';
import { checkApiToken } from './api-token-store';
import { checkCredentials } from './login';
import type { Principal } from './principal';
import { parseBasic } from './rules';
import { findSession, sessionIdOf } from './session-store';
import { findUser } from './user-store';

/** Resolvers of the user credentials other than a stateless access JWT. */

/** A session-bound access token lives only as long as its session (logout revokes it at once). */
export async function checkSessionClaim(sid: string): Promise<void> {
  if (!(await findSession(sid))) throw new Unauthorized('Session ended');
}

/** `roster_<id>_<secret>`: a live token whose owner still exists, with the owner's current role. */
export async function fromApiToken(bearer: string): Promise<Principal> {
  const token = await checkApiToken(bearer);
  const user = token ? await findUser(token.email) : undefined;
  if (!user) throw new Unauthorized('Invalid API token');
  return { kind: 'user', email: user.email, role: user.role, via: 'api-token' };
}

/** `X-Cockroach-API-Session`: a live session whose user still exists. */
export async function fromSessionSecret(secret: string): Promise<Principal> {
  const session = secret.length <= 512 ? await findSession(sessionIdOf(secret)) : undefined;
  const user = session ? await findUser(session.email) : undefined;
  if (!session || !user) throw new Unauthorized('Invalid or expired session');
  return { kind: 'user', email: user.email, role: user.role, via: 'session', sessionId: session.id };
}

/** Basic, only where the modelled system takes it (RouteSpec.basicAuth): each costs a password hash. */
export async function fromBasic(authorization: string, allowed: boolean): Promise<Principal> {
  if (!allowed) throw new Unauthorized('Basic authentication is not accepted on this route');
  const basic = parseBasic(authorization);
  if (!basic) throw new Unauthorized('Malformed Basic credentials');
  const user = await checkCredentials(basic.username, basic.password);
  return { kind: 'user', email: user.email, role: user.role, via: 'basic' };
}
