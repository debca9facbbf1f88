import { actorOf } from '../audit/audit';
import { BadRequest, Forbidden, NotFound, Unauthorized } from '../errors';
import { checkCredentials } from './login';
import { hashPassword } from './passwords';
import type { Principal } from './principal';
import { ROLE_IDS, roleOf, type Role } from './roles';
import { ellaPage } from './rules';
import { revokeSessionsOf, setSessionsRole } from './session-store';
import * as store from './user-store';

/** Ella's users API. Roles travel as role_id (1 admin, 2 read-only, 3 operator). */

const view = (u: store.User) => ({ email: u.email, role_id: ROLE_IDS[u.role] });
const role = (roleId: number): Role => roleOf(roleId)!;

/** The user a write reached, or 404. */
function reached(outcome: store.UserWrite): string {
  if (outcome.kind === 'missing') throw new NotFound('User not found');
  return outcome.userId;
}

/** The signed-in user's email; a node, or nobody, has none. */
export function selfOf(principal: Principal): string {
  if (principal.kind !== 'user') throw new Forbidden('Only a user has a profile');
  return store.normalizeEmail(principal.email);
}

/** The signed-in user's id, minted at their creation: what their credentials are bound to. */
export function selfIdOf(principal: Principal): string {
  if (principal.kind !== 'user') throw new Forbidden('Only a user has a profile');
  return principal.userId;
}

/** A page of users by email (the route's `per_page` defaults to 25, at most 1000). */
export async function listUsers(page: number, perPage: number) {
  const { users, total } = await store.pageUsers(page, perPage);
  return ellaPage(users.map(view), page, perPage, total);
}

export async function getUser(email: string) {
  const user = await store.findUser(email);
  if (!user) throw new NotFound('User not found');
  return view(user);
}

export async function createUser(input: { email: string; password: string; roleId: number; by: Principal; requestId: string }) {
  const email = store.normalizeEmail(input.email);
  const passwordHash = await hashPassword(input.password);
  const created = await store.createUser(
    { userId: store.newUserId(), email, role: role(input.roleId), passwordHash },
    {
      actor: actorOf(input.by),
      action: 'user.create',
      target: `user:${email}`,
      requestId: input.requestId,
      details: { role_id: input.roleId },
    },
  );
  // Ella answers a duplicate user with 400.
  if (created.kind === 'exists') throw new BadRequest('User already exists');
  return { message: 'User created' };
}

/** As Ella: an admin never changes or deletes their own account (403), so none can lock the cluster out of its admins. */
export async function updateRole(email: string, roleId: number, by: Principal) {
  if (store.normalizeEmail(email) === selfOf(by)) throw new Forbidden('Cannot modify your own account');
  const userId = reached(await store.setRole(email, role(roleId)));
  await setSessionsRole(userId, role(roleId));
  return { message: 'User updated' };
}

export async function deleteUser(email: string, by: Principal) {
  if (store.normalizeEmail(email) === selfOf(by)) throw new Forbidden('Cannot delete your own account');
  // API tokens name the user id, which no re-created account has: they die with the user item.
  await revokeSessionsOf(reached(await store.deleteUser(email)));
  return { message: 'User deleted' };
}

export async function setPassword(email: string, password: string) {
  reached(await store.setPasswordHash(email, await hashPassword(password)));
  return { message: 'Password updated' };
}

/** The caller's own account; a credential whose user is gone proves nobody (401, as Ella). */
export async function me(principal: Principal) {
  const user = await store.findUser(selfOf(principal));
  if (!user) throw new Unauthorized('User no longer exists');
  return view(user);
}

/** Changing your own password takes the current one (a stolen token alone cannot take the account). */
export async function changeOwnPassword(principal: Principal, current: string, next: string) {
  const email = selfOf(principal);
  await checkCredentials(email, current).catch((err: unknown) => {
    throw err instanceof Unauthorized ? new Forbidden('The current password is incorrect') : err;
  });
  return setPassword(email, next);
}
