import { BadRequest, Unauthorized } from '../errors';
import type { RouteSpec } from '../http/route';
import { authenticate } from './authenticate';
import { reply } from '../http/reply';
import { getClusterMeta } from '../cluster/meta';
import { createFirstAdmin, newUserId, normalizeEmail } from './user-store';
import { checkCredentials, issueAccessToken } from './login';
import { hashPassword } from './passwords';
import { clearedSessionCookie, sessionCookie, sessionFromCookies } from './rules';
import { deleteSession, findSession, openSession, sessionIdOf, SESSION_TTL_SECONDS, type SessionUser } from './session-store';

/** The Ella surface's logins: a session cookie for the browser, an access token for the API. */

/** Request headers a login reads: whether the request came over HTTPS decides the cookie's `Secure`. */
type Headers = Readonly<Record<string, string | undefined>>;

/** Creates the first admin while the cluster is not initialized (then 403). */
export async function createFirstAdminUser(input: { email: string; password: string; requestId: string }): Promise<SessionUser> {
  await getClusterMeta(true); // mints the cluster item the init transaction conditions on
  const email = normalizeEmail(input.email);
  const user = { userId: newUserId(), email, role: 'admin' as const, passwordHash: await hashPassword(input.password) };
  await createFirstAdmin(user, { actor: 'anonymous', action: 'init', target: `user:${email}`, requestId: input.requestId });
  return { userId: user.userId, email, role: user.role };
}

/** A new Ella session for `user`: its session-bound access token, and the cookie that refreshes it. */
async function ellaSession(user: SessionUser, headers: Headers, now: number) {
  const { secret, id } = await openSession(user, 'ella', now);
  const { token } = await issueAccessToken(user, id);
  return { token, cookie: sessionCookie(secret, SESSION_TTL_SECONDS, headers) };
}

/** POST /init: the first admin, logged in as login does (a token bound to a session, and its cookie). */
export async function initialize(input: { email: string; password: string; requestId: string; headers: Headers }, now = Date.now()) {
  const { token, cookie } = await ellaSession(await createFirstAdminUser(input), input.headers, now);
  return reply({ message: 'Roster initialized', token }, { cookies: [cookie] });
}

export async function login(input: { email: string; password: string; headers: Headers }, now = Date.now()) {
  const { token, cookie } = await ellaSession(await checkCredentials(input.email, input.password), input.headers, now);
  return reply({ token }, { cookies: [cookie] });
}

/** A fresh access token for the Ella session the cookie names, with the user's current role. */
export async function refresh(cookies: readonly string[]) {
  const secret = sessionFromCookies(cookies);
  const session = secret ? await findSession(sessionIdOf(secret), ['ella']) : undefined;
  if (!session) throw new Unauthorized('No valid session');
  const { token } = await issueAccessToken(session, session.id);
  return { token };
}

/** Ends the cookie's Ella session (if any) and clears the cookie: always 204. */
export async function logout(cookies: readonly string[], headers: Headers) {
  const secret = sessionFromCookies(cookies);
  const session = secret ? await findSession(sessionIdOf(secret), ['ella']) : undefined;
  if (session) await deleteSession(session.id);
  return reply(undefined, { status: 204, cookies: [clearedSessionCookie(headers)] });
}

/**
 * POST /auth/lookup-token, as Ella: whether the Authorization header holds a credential a
 * user could call with ({valid: false} when it does not); no header at all is 400. Roster's
 * one other credential header, X-Cockroach-API-Session, is looked up as well.
 */
export async function lookupToken(headers: Readonly<Record<string, string | undefined>>, cookies: readonly string[], route: RouteSpec) {
  if (!headers.authorization && !headers['x-cockroach-api-session']) throw new BadRequest('Authorization header is required');
  const principal = await authenticate({ headers: { ...headers }, cookies, route }).catch((err: unknown) => {
    if (err instanceof Unauthorized) return undefined;
    throw err;
  });
  return { valid: principal?.kind === 'user' };
}
