import type { RouteSpec } from '../http/route';
import { Unauthorized } from '../errors';
import { authenticateNode, isNodeCredential } from './node-credentials';
import { fromApiToken, fromBasic, fromSessionClaim, fromSessionSecret } from './credentials';
import type { Principal } from './principal';
import { roleOf } from './roles';
import { verifyToken } from './tokens';
import { isApiToken } from './api-token-store';

export interface Credentials {
  headers: Record<string, string | undefined>;
  cookies: readonly string[];
  route: RouteSpec;
}

/** The role an access token's `role_id` claim names (Ella's claim), or undefined. */
export { roleOf };

/**
 * An access JWT (`typ` at+jwt): valid only while the session it names (`sid`) lives, and
 * acting as that session's user with the role the session holds now (a demotion or a
 * deletion rewrites or ends the session). A token without a session is not accepted.
 */
async function fromAccessToken(token: string): Promise<Principal> {
  const claims = await verifyToken('access', token);
  if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string' || !roleOf(claims.role_id)) throw new Unauthorized('Invalid token');
  return fromSessionClaim(claims.sid);
}

/**
 * Resolves the caller of a non-public route from its credential. Each credential kind is
 * recognised by its form and checked by its own resolver; none found, or one that does
 * not check out, is 401.
 */
export async function authenticate({ headers, route }: Credentials): Promise<Principal> {
  const authorization = headers.authorization ?? '';
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
  if (bearer && bearer.split('.').length === 3) return fromAccessToken(bearer);
  if (bearer && isApiToken(bearer)) return fromApiToken(bearer);
  // Sensu Go's documented API-key scheme (`Authorization: Key <key>`): a Roster API token is the key.
  const key = route.surface === 'sensu' ? /^Key\s+(\S+)$/i.exec(authorization)?.[1] : undefined;
  if (key && isApiToken(key)) return fromApiToken(key);
  if (/^Basic\s/i.test(authorization)) return fromBasic(authorization, route.basicAuth === true);
  const session = headers['x-cockroach-api-session'];
  if (!authorization && session) return fromSessionSecret(session);
  if (bearer && isNodeCredential(bearer)) return authenticateNode(bearer, { checkedInWrite: route.nodeCredential === 'checked-in-write' });
  throw new Unauthorized(authorization ? 'Invalid credential' : 'No credential');
}
