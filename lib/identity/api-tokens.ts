import { BadRequest } from '../errors';
import type { Principal } from './principal';
import { pageOf } from './rules';
import { deleteApiToken, listApiTokens, mintApiToken, putApiToken, type ApiToken } from './api-token-store';
import { selfIdOf, selfOf } from './users';

/** The caller's own API tokens. Times are RFC 3339, as Ella writes them. */

const rfc3339 = (seconds: number | undefined) =>
  seconds === undefined ? null : new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
const view = (t: ApiToken) => ({ id: t.id, name: t.name, expires_at: rfc3339(t.expiresAt) });

export async function listTokens(principal: Principal, page: number, perPage: number) {
  const tokens = (await listApiTokens(selfIdOf(principal))).sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  return pageOf(tokens.map(view), page, perPage);
}

/** Mints a token; its secret is in this answer and nowhere else, ever. */
export async function createToken(principal: Principal, input: { name: string; expiresAt?: string }, now = Date.now()) {
  const expiresAt = input.expiresAt === undefined ? undefined : Math.floor(Date.parse(input.expiresAt) / 1000);
  if (expiresAt !== undefined && expiresAt * 1000 <= now) throw new BadRequest('body field "expires_at": must be in the future');
  const minted = mintApiToken();
  const token: ApiToken = {
    id: minted.id,
    userId: selfIdOf(principal),
    email: selfOf(principal),
    name: input.name,
    createdAt: now,
    ...(expiresAt ? { expiresAt } : {}),
  };
  await putApiToken(token, minted.secretHash);
  return { ...view(token), token: minted.token };
}

export async function revokeToken(principal: Principal, id: string) {
  await deleteApiToken(selfIdOf(principal), id);
  return { message: 'API token deleted' };
}
