import type { RouteSpec } from '../http/route';
import type { Principal } from './principal';
import { Unauthorized } from '../errors';

export interface Credentials {
  headers: Record<string, string | undefined>;
  cookies: readonly string[];
  route: RouteSpec;
}

/**
 * Resolves the caller of a non-public route from its credential. The credential kinds
 * (access JWT, API token, node credential, CockroachDB session, Basic where the route
 * takes it) arrive with the identity capability; until then every protected route is 401.
 */
export async function authenticate(_credentials: Credentials): Promise<Principal> {
  throw new Unauthorized('No valid credential');
}
