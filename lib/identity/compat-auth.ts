import { randomBytes } from 'node:crypto';
import { crdbSessionsPage } from '../compat/cockroach-sessions';
import type { Paging } from '../compat/cockroach';
import { BadRequest, Unauthorized } from '../errors';
import { fromBasic } from './credentials';
import { checkCredentials, issueAccessToken, startSession } from './login';
import type { Principal } from './principal';
import {
  deleteSession,
  listSessions,
  revokeSession,
  rotateRefresh,
  sessionIdOf,
  SESSION_TTL_SECONDS,
  type SessionUser,
} from './session-store';
import { signToken, verifyToken } from './tokens';

/** Logins of the Sensu Go and CockroachDB surfaces. */

const newJti = () => randomBytes(16).toString('hex');

/** Sensu's token pair: the access token is bound to the session, the refresh token names its one redeemable jti. */
async function sensuPair(user: SessionUser, sid: string, jti: string) {
  const access = await issueAccessToken(user, sid);
  const refresh = await signToken('refresh', { sub: user.email, sid, jti }, SESSION_TTL_SECONDS);
  return { access_token: access.token, expires_at: access.expiresAt, refresh_token: refresh };
}

/** GET /auth: Basic credentials, and nothing else, open a Sensu session. */
export async function sensuLogin(authorization: string | undefined, now = Date.now()) {
  const principal = await fromBasic(authorization ?? '');
  if (principal.kind !== 'user') throw new Unauthorized();
  const jti = newJti();
  const { id } = await startSession(principal, 'sensu', now, jti);
  return sensuPair(principal, id, jti);
}

async function refreshClaims(token: string): Promise<{ sub: string; sid: string; jti: string }> {
  const claims = await verifyToken('refresh', token);
  const { sub, sid, jti } = claims;
  if (typeof sub !== 'string' || typeof sid !== 'string' || typeof jti !== 'string') throw new Unauthorized('Invalid token');
  return { sub, sid, jti };
}

/** POST /auth/token: a refresh token is redeemed once; a replay revokes its session. */
export async function sensuRefresh(refreshToken: string, now = Date.now()) {
  const { sid, jti } = await refreshClaims(refreshToken);
  const next = newJti();
  // The session carries its user's current role; a deleted user's sessions are gone.
  const rotated = await rotateRefresh(sid, jti, next, now);
  if (rotated.kind === 'replayed') throw new Unauthorized('Refresh token already used: the session is revoked');
  if (rotated.kind === 'ended') throw new Unauthorized('Session expired');
  return sensuPair(rotated.session, sid, next);
}

/** POST /auth/logout: ends the caller's session, and the refresh token's if it is theirs. */
export async function sensuLogout(principal: Principal, refreshToken: string | undefined): Promise<undefined> {
  if (principal.kind !== 'user') return undefined;
  if (principal.sessionId) await deleteSession(principal.sessionId);
  if (refreshToken) {
    // An expired or foreign refresh token has nothing left to revoke here.
    const claims = await refreshClaims(refreshToken).catch((err: unknown) => {
      if (err instanceof Unauthorized) return undefined;
      throw err;
    });
    if (claims?.sub === principal.email) await deleteSession(claims.sid);
  }
  return undefined;
}

/** POST /api/v2/login/: a CockroachDB session, its secret returned once. */
export async function crdbLogin(input: { username: string; password: string }, now = Date.now()) {
  const user = await checkCredentials(input.username, input.password);
  const { secret } = await startSession(user, 'crdb', now);
  return { session: secret };
}

/**
 * POST /api/v2/logout/ (public, as CockroachDB's): the X-Cockroach-API-Session header names
 * the session. None, or one that was never issued, is 400; one already logged out is 200.
 */
export async function crdbLogout(secret: string | undefined, now = Date.now()) {
  if (!secret) throw new BadRequest('invalid or unspecified session');
  if ((await revokeSession(sessionIdOf(secret), now)).kind === 'missing') throw new BadRequest('invalid session');
  return { logged_out: true };
}

/** GET /api/v2/sessions/: admins see every live session, others their own. */
export async function crdbSessions(principal: Principal, query: { username?: string }, paging: Paging) {
  const own = principal.kind === 'user' && principal.role !== 'admin' ? principal.email : undefined;
  const sessions = (await listSessions()).filter(
    (s) => (own === undefined || s.email === own) && (!query.username || s.email === query.username.toLowerCase()),
  );
  return crdbSessionsPage(sessions, paging);
}
