import { BadRequest, NotFound } from '../errors';
import type { Principal } from './principal';
import { pageOf } from './rules';
import { deleteApiToken, listApiTokens, mintApiToken, putApiToken, type ApiToken } from './api-token-store';
import { findUser, normalizeEmail } from './user-store';
import { selfIdOf, selfOf } from './users';

/** API tokens of one owner: the caller's own (`/users/me/…`), or a user's for an admin. Times are RFC 3339, as Ella writes them. */

/** Whose tokens: a user as created (their id) and the email they go by. */
export interface Owner {
  userId: string;
  email: string;
}

/** Ella writes "" for a token that never expires. */
const rfc3339 = (seconds: number | undefined) =>
  seconds === undefined ? '' : new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
const view = (t: ApiToken) => ({ id: t.id, name: t.name, expires_at: rfc3339(t.expiresAt) });

/** Whose tokens a route manages: the caller, or the user the path names (404 when there is none). */
export async function ownerOf(principal: Principal, email?: string): Promise<Owner> {
  if (email === undefined) return { userId: selfIdOf(principal), email: selfOf(principal) };
  const user = await findUser(email);
  if (!user) throw new NotFound('User not found');
  return { userId: user.userId, email: normalizeEmail(user.email) };
}

export async function listTokens(owner: Owner, page: number, perPage: number) {
  const tokens = (await listApiTokens(owner.userId)).sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  return pageOf(tokens.map(view), page, perPage);
}

/** Mints a token; its secret is in this answer and nowhere else, ever. `expiresAt` "" (Ella's "No expiry"): never expires. */
export async function createToken(owner: Owner, input: { name: string; expiresAt?: string }, now = Date.now()) {
  const expiresAt = input.expiresAt ? Math.floor(Date.parse(input.expiresAt) / 1000) : undefined;
  if (expiresAt !== undefined && expiresAt * 1000 <= now) throw new BadRequest('body field "expires_at": must be in the future');
  const minted = mintApiToken();
  const token: ApiToken = {
    id: minted.id,
    userId: owner.userId,
    email: owner.email,
    name: input.name,
    createdAt: now,
    ...(expiresAt ? { expiresAt } : {}),
  };
  await putApiToken(token, minted.secretHash);
  return { ...view(token), token: minted.token };
}

export async function revokeToken(owner: Owner, id: string) {
  if ((await deleteApiToken(owner.userId, id)).kind === 'missing') throw new NotFound('API token not found');
  return { message: 'API token deleted' };
}
