import { BadRequest, Forbidden, Unauthorized } from '../errors';
import { authenticate, type CredentialRules } from './authenticate';
import { checkCredentials, issueAccessToken, startSession } from './login';
import { clearedSessionCookie, sessionCookie, sessionFromCookies } from './rules';
import { USER_CREDENTIALS } from './resolvers';
import { deleteSession, findSession, sessionIdOf, SESSION_TTL_SECONDS, type SessionUser } from './session-store';

/**
 * The Ella surface's logins: a session cookie for the browser, an access token for the API.
 * Each answers data (the token, the `Set-Cookie` value to send); the entry point replies.
 */

/** Request headers a login reads: whether the request came over HTTPS decides the cookie's `Secure`. */
export type RequestHeaders = Readonly<Record<string, string | undefined>>;

/** A new Ella session for `user`: its session-bound access token, and the cookie that refreshes it. */
export async function openEllaSession(user: SessionUser, headers: RequestHeaders, now = Date.now()) {
  const { secret, id } = await startSession(user, 'ella', now);
  const { token } = await issueAccessToken(user, id);
  return { token, cookie: sessionCookie(secret, SESSION_TTL_SECONDS, headers) };
}

export async function login(input: { email: string; password: string; headers: RequestHeaders }, now = Date.now()) {
  return openEllaSession(await checkCredentials(input.email, input.password), input.headers, now);
}

/** A fresh access token for the Ella session the cookie names, with the user's current role. */
export async function refresh(cookies: readonly string[]) {
  const secret = sessionFromCookies(cookies);
  const session = secret ? await findSession(sessionIdOf(secret), ['ella']) : undefined;
  if (!session) throw new Unauthorized('No valid session');
  const { token } = await issueAccessToken(session, session.id);
  return { token };
}

/** Ends the cookie's Ella session (if any); answers the cookie that clears it in the browser. */
export async function logout(cookies: readonly string[], headers: RequestHeaders) {
  const secret = sessionFromCookies(cookies);
  const session = secret ? await findSession(sessionIdOf(secret), ['ella']) : undefined;
  if (session) await deleteSession(session.id);
  return { cookie: clearedSessionCookie(headers) };
}

/**
 * POST /auth/lookup-token, as Ella: whether the Authorization header holds a credential a
 * user could call with ({valid: false} when it does not); no header at all is 400. Roster's
 * one other credential header, X-Cockroach-API-Session, is looked up as well. Only a user's
 * credentials are checked: a node credential, or Basic, is never one (403, 401: {valid: false}).
 */
export async function lookupToken(headers: RequestHeaders, rules: CredentialRules) {
  if (!headers.authorization && !headers['x-cockroach-api-session']) throw new BadRequest('Authorization header is required');
  const principal = await authenticate(headers, rules, USER_CREDENTIALS).catch((err: unknown) => {
    if (err instanceof Unauthorized || err instanceof Forbidden) return undefined;
    throw err;
  });
  return { valid: principal?.kind === 'user' };
}
