/** Who a caller can be: the three user roles (with Ella's numbers for them) and a node. */

/** Ella's role_id values. */
export const ROLE_IDS = { admin: 1, readonly: 2, operator: 3 } as const;
export type Role = keyof typeof ROLE_IDS;

/** Who may call a route: nobody needs to prove anything, or one of these callers. */
export type Caller = Role | 'node';
export type Access = 'public' | readonly Caller[];

const ROLE_BY_ID = new Map(Object.entries(ROLE_IDS).map(([role, id]) => [id, role as Role]));

/** The role a `role_id` (Ella's number) names, or undefined. */
export const roleOf = (roleId: unknown): Role | undefined => (typeof roleId === 'number' ? ROLE_BY_ID.get(roleId as 1 | 2 | 3) : undefined);
