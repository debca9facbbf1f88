import { Unauthorized } from '../errors';
import { authenticateNode, isNodeCredential } from './node-credentials';
import { fromApiToken, fromBasic, fromSessionClaim, fromSessionSecret } from './credentials';
import type { Principal } from './principal';
import { roleOf } from './roles';
import { verifyToken } from './tokens';
import { isApiToken } from './api-token-store';

/** Which credentials a route takes beyond bearer tokens and sessions (the route table says, lib/http passes it on). */
export interface CredentialRules {
  /** Basic credentials, each costing a password hash: only where the modelled system takes them. */
  basicAuth: boolean;
  /** Sensu Go's API-key scheme, `Authorization: Key <key>`: on the Sensu surface. */
  keyScheme: boolean;
  /**
   * How a node credential is checked: 'read' looks its hash up on the member now;
   * 'checked-in-write' reads nothing and yields a `node-claim` the route's one conditional write checks.
   */
  nodeCredential: 'read' | 'checked-in-write';
}

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
export async function authenticate(headers: Readonly<Record<string, string | undefined>>, rules: CredentialRules): Promise<Principal> {
  const authorization = headers.authorization ?? '';
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
  if (bearer && bearer.split('.').length === 3) return fromAccessToken(bearer);
  if (bearer && isApiToken(bearer)) return fromApiToken(bearer);
  // Sensu Go's documented API-key scheme (`Authorization: Key <key>`): a Roster API token is the key.
  const key = rules.keyScheme ? /^Key\s+(\S+)$/i.exec(authorization)?.[1] : undefined;
  if (key && isApiToken(key)) return fromApiToken(key);
  if (/^Basic\s/i.test(authorization)) return fromBasic(authorization, rules.basicAuth);
  const session = headers['x-cockroach-api-session'];
  if (!authorization && session) return fromSessionSecret(session);
  if (bearer && isNodeCredential(bearer)) return authenticateNode(bearer, { checkedInWrite: rules.nodeCredential === 'checked-in-write' });
  throw new Unauthorized(authorization ? 'Invalid credential' : 'No credential');
}
