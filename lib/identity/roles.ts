import { ROLE_IDS, type Role } from '../http/route';

const ROLE_BY_ID = new Map(Object.entries(ROLE_IDS).map(([role, id]) => [id, role as Role]));

/** The role a `role_id` (Ella's number) names, or undefined. */
export const roleOf = (roleId: unknown): Role | undefined => (typeof roleId === 'number' ? ROLE_BY_ID.get(roleId as 1 | 2 | 3) : undefined);
