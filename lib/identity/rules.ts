/** Pure identity rules: login throttling, session cookies, paging. */

export const LOGIN_FAILURE_LIMIT = 5;
export const LOGIN_WINDOW_SECONDS = 15 * 60;
export const LOGIN_LOCKOUT_SECONDS = 15 * 60;

export interface LoginFailures {
  count: number;
  /** Epoch ms of the first failure of the window, and of the last one. */
  windowStart: number;
  lastAt: number;
}

/**
 * Seconds a login must wait: after LOGIN_FAILURE_LIMIT consecutive failures within the
 * window, the lockout runs from the last one. 0: go ahead.
 */
export function lockedFor(failures: LoginFailures | undefined, now: number): number {
  if (!failures || failures.count < LOGIN_FAILURE_LIMIT) return 0;
  if (failures.lastAt - failures.windowStart > LOGIN_WINDOW_SECONDS * 1000) return 0;
  return Math.max(0, Math.ceil((failures.lastAt + LOGIN_LOCKOUT_SECONDS * 1000 - now) / 1000));
}

export const SESSION_COOKIE = 'roster_session';

/**
 * Whether the request came over HTTPS: API Gateway (HTTPS only) sets `X-Forwarded-Proto:
 * https`; the local runtime sets `http` unless a proxy in front of it said otherwise.
 */
export const overHttps = (headers: Readonly<Record<string, string | undefined>>): boolean =>
  (headers['x-forwarded-proto'] ?? 'https').split(',')[0]!.trim().toLowerCase() !== 'http';

/** The session cookie: `Secure` only over HTTPS, or a browser on plain http would never send it back. */
export const sessionCookie = (secret: string, maxAgeSeconds: number, headers: Readonly<Record<string, string | undefined>>): string =>
  `${SESSION_COOKIE}=${secret}; Path=/api/v1/auth; Max-Age=${maxAgeSeconds}; HttpOnly;${overHttps(headers) ? ' Secure;' : ''} SameSite=Strict`;

export const clearedSessionCookie = (headers: Readonly<Record<string, string | undefined>>): string => sessionCookie('', 0, headers);

/** The session secret among the request's cookies (`name=value` each), if any. */
export function sessionFromCookies(cookies: readonly string[]): string | undefined {
  for (const c of cookies) {
    const [name, ...rest] = c.trim().split('=');
    if (name === SESSION_COOKIE && rest.length) return rest.join('=') || undefined;
  }
  return undefined;
}

/** Ella's page: 1-based `page` of `perPage` items, and the total. */
export const pageOf = <T>(items: readonly T[], page: number, perPage: number) => ({
  items: items.slice((page - 1) * perPage, page * perPage),
  page,
  per_page: perPage,
  total_count: items.length,
});

/** Parses Basic credentials; undefined when the header is not Basic or does not decode. */
export function parseBasic(authorization: string | undefined): { username: string; password: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
