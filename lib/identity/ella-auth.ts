import { BadRequest, Unauthorized } from '../errors';
import type { RouteSpec } from '../http/route';
import { authenticate } from './authenticate';
import { reply } from '../http/reply';
import { getClusterMeta } from '../cluster/meta';
import { createFirstAdmin, findUser, normalizeEmail } from './user-store';
import { checkCredentials, issueAccessToken } from './login';
import { hashPassword } from './passwords';
import { clearedSessionCookie, sessionCookie, sessionFromCookies } from './rules';
import { createSession, deleteSession, findSession, newSessionSecret, sessionIdOf, SESSION_TTL_SECONDS } from './session-store';

/** The Ella surface's logins: a session cookie for the browser, an access token for the API. */

/** Creates the first admin while the cluster is not initialized (then 403), and logs them in. */
export async function initialize(input: { email: string; password: string; requestId: string }) {
  await getClusterMeta(true); // mints the cluster item the init transaction conditions on
  const email = normalizeEmail(input.email);
  const user = { email, role: 'admin' as const, passwordHash: await hashPassword(input.password) };
  await createFirstAdmin(user, { actor: 'anonymous', action: 'init', target: `user:${email}`, requestId: input.requestId });
  const { token } = await issueAccessToken(user);
  return { message: 'Roster initialized', token };
}

export async function login(input: { email: string; password: string }, now = Date.now()) {
  const user = await checkCredentials(input.email, input.password);
  const { secret, id } = newSessionSecret();
  await createSession({
    id,
    email: user.email,
    kind: 'ella',
    startedAt: now,
    lastActiveAt: now,
    expiresAt: Math.floor(now / 1000) + SESSION_TTL_SECONDS,
  });
  const { token } = await issueAccessToken(user, id);
  return reply({ token }, { cookies: [sessionCookie(secret, SESSION_TTL_SECONDS)] });
}

/** A fresh access token for the session the cookie names, with the user's current role. */
export async function refresh(cookies: readonly string[]) {
  const secret = sessionFromCookies(cookies);
  const session = secret ? await findSession(sessionIdOf(secret)) : undefined;
  const user = session ? await findUser(session.email) : undefined;
  if (!session || !user) throw new Unauthorized('No valid session');
  const { token } = await issueAccessToken(user, session.id);
  return { token };
}

/** Ends the cookie's session (if any) and clears the cookie: always 204. */
export async function logout(cookies: readonly string[]) {
  const secret = sessionFromCookies(cookies);
  if (secret) await deleteSession(sessionIdOf(secret));
  return reply(undefined, { status: 204, cookies: [clearedSessionCookie()] });
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
