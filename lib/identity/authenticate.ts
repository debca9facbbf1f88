import { Forbidden, Unauthorized } from '../errors';
import type { Principal } from './principal';
import { isApiToken, isNodeCredential } from './rules';

/**
 * The checks of the credential forms a route takes, one resolver a form (./resolvers.ts has
 * the sets the route table hands out). A route carries only the forms its callers present,
 * so its bundle holds no other check: no JWT library where only nodes call, no member read
 * where only users do.
 */
export interface Resolvers {
  /** `Bearer <JWT>`: an access token, acting as the session it names. */
  readonly accessToken?: (token: string) => Promise<Principal>;
  /** `Bearer roster_…`, and `Key roster_…` where the rules take the key scheme. */
  readonly apiToken?: (token: string) => Promise<Principal>;
  /** `X-Cockroach-API-Session`, sent without an Authorization header. */
  readonly session?: (secret: string) => Promise<Principal>;
  /** `Basic …`: each costs a password hash, so only where the modelled system takes it. */
  readonly basic?: (authorization: string) => Promise<Principal>;
  /**
   * `Bearer rnode_…`. With `checkedInWrite` nothing is read: the answer is a `node-claim` the
   * route's one conditional write checks (RouteSpec.nodeCredential).
   */
  readonly node?: (token: string, checkedInWrite: boolean) => Promise<Principal>;
}

/** How a route reads the credentials it takes (the route table says, lib/http passes it on). */
export interface CredentialRules {
  /** Sensu Go's API-key scheme, `Authorization: Key <key>`: on the Sensu surface. */
  keyScheme: boolean;
  nodeCredential: 'read' | 'checked-in-write';
  /**
   * The 403 for a credential of a form the route has no resolver for: whoever presents it
   * is not admitted, valid or not, so it is refused unread.
   */
  refusal: string;
}

/**
 * Resolves the caller of a non-public route from its credential. Each credential form is
 * recognised by its shape and checked by its own resolver; a form the route takes no
 * resolver for is 403 (its callers are never admitted there); none found, or one that does
 * not check out, is 401.
 */
export async function authenticate(
  headers: Readonly<Record<string, string | undefined>>,
  rules: CredentialRules,
  resolvers: Resolvers,
): Promise<Principal> {
  const authorization = headers.authorization ?? '';
  const check = <A extends unknown[]>(resolver: ((...args: A) => Promise<Principal>) | undefined, ...args: A): Promise<Principal> => {
    if (!resolver) throw new Forbidden(rules.refusal);
    return resolver(...args);
  };
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
  if (bearer && bearer.split('.').length === 3) return check(resolvers.accessToken, bearer);
  if (bearer && isApiToken(bearer)) return check(resolvers.apiToken, bearer);
  // Sensu Go's documented API-key scheme (`Authorization: Key <key>`): a Roster API token is the key.
  const key = rules.keyScheme ? /^Key\s+(\S+)$/i.exec(authorization)?.[1] : undefined;
  if (key && isApiToken(key)) return check(resolvers.apiToken, key);
  if (/^Basic\s/i.test(authorization)) {
    if (!resolvers.basic) throw new Unauthorized('Basic authentication is not accepted on this route');
    return resolvers.basic(authorization);
  }
  const session = headers['x-cockroach-api-session'];
  if (!authorization && session) return check(resolvers.session, session);
  if (bearer && isNodeCredential(bearer)) return check(resolvers.node, bearer, rules.nodeCredential === 'checked-in-write');
  throw new Unauthorized(authorization ? 'Invalid credential' : 'No credential');
}
