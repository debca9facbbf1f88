import type { RouteSpec } from '../http/route';
import { ROLE_IDS, type Role } from '../http/route';
import { Unauthorized } from '../errors';
import { authenticateNode, isNodeCredential } from '../cluster/node-credentials';
import type { Principal } from './principal';
import { verifyToken } from './tokens';

export interface Credentials {
  headers: Record<string, string | undefined>;
  cookies: readonly string[];
  route: RouteSpec;
}

const ROLE_BY_ID = new Map(Object.entries(ROLE_IDS).map(([role, id]) => [id, role as Role]));

/** The role an access token's `role_id` claim names (Ella's claim), or undefined. */
export const roleOf = (roleId: unknown): Role | undefined => (typeof roleId === 'number' ? ROLE_BY_ID.get(roleId as 1 | 2 | 3) : undefined);

/** An access JWT (`typ` at+jwt): `sub` is the user's email, `role_id` the role. */
async function fromAccessToken(token: string): Promise<Principal> {
  const claims = await verifyToken('access', token);
  const role = roleOf(claims.role_id);
  if (typeof claims.sub !== 'string' || !role) throw new Unauthorized('Invalid token');
  return { kind: 'user', email: claims.sub, role, via: 'access-token' };
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
  if (bearer && isNodeCredential(bearer)) return authenticateNode(bearer, { checkedInWrite: route.nodeCredential === 'checked-in-write' });
  throw new Unauthorized(authorization ? 'Invalid credential' : 'No credential');
}
