import { Unauthorized } from '../errors';
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
  const { token, cookie } = await ellaSession(await checkCredentials(input.email, input.password, now), input.headers, now);
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
