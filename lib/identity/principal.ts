import type { Access, Caller, Role } from './roles';
import { Forbidden, Unauthorized } from '../errors';

/** Who is calling, once their credential has been checked. */
export type Principal =
  | { kind: 'anonymous' }
  | { kind: 'user'; userId: string; email: string; role: Role; via: 'access-token' | 'api-token' | 'session' | 'basic'; sessionId?: string }
  | { kind: 'node'; nodeId: number; credentialId: string }
  /** A node credential not yet checked: the route's own conditional write checks its hash (RouteSpec.nodeCredential). */
  | { kind: 'node-claim'; nodeId: number; credentialHash: string };

export const ANONYMOUS: Principal = { kind: 'anonymous' };

export function callerOf(principal: Principal): Caller | undefined {
  switch (principal.kind) {
    case 'anonymous':
      return undefined;
    case 'user':
      return principal.role;
    case 'node':
    case 'node-claim':
      return 'node';
  }
}

/** The node id of a node principal; routes open to nodes only get one (the route table says so). */
export function callingNode(principal: Principal): number {
  if (principal.kind !== 'node') throw new Forbidden('Only a node credential may do this');
  return principal.nodeId;
}

/** Role-based access, decided from the route table alone: 401 without a caller, 403 without the right. */
export function authorize(principal: Principal, access: Access): void {
  if (access === 'public') return;
  const caller = callerOf(principal);
  if (caller === undefined) throw new Unauthorized();
  if (!access.includes(caller)) throw new Forbidden(needed(access));
}

/** What a 403 says was needed: "requires the admin or operator role", "requires a node credential". */
export function needed(access: readonly Caller[]): string {
  const roles = access.filter((c): c is Role => c !== 'node');
  const named = `the ${roles.length > 1 ? `${roles.slice(0, -1).join(', ')} or ${roles.at(-1)}` : roles[0]} role`;
  if (!access.includes('node')) return `This requires ${named}`;
  return roles.length ? `This requires ${named} or a node credential` : 'This requires a node credential';
}

/** Who-may-call sets the route table uses. */
export const ADMIN = ['admin'] as const satisfies Access;
export const OPERATORS = ['admin', 'operator'] as const satisfies Access;
export const USERS = ['admin', 'operator', 'readonly'] as const satisfies Access;
export const READERS = ['admin', 'operator', 'readonly', 'node'] as const satisfies Access;
export const NODES = ['node'] as const satisfies Access;
