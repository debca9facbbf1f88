/** Pure identity rules: credential forms, login throttling, session cookies, paging. */

/** An API token is `roster_<id>_<secret>` (./api-token-store.ts): recognised by its form alone. */
export const isApiToken = (bearer: string): boolean => bearer.startsWith('roster_');

export const NODE_CREDENTIAL_PREFIX = 'rnode_';
/** A node credential is `rnode_<nodeId>_<secret>` (./node-credentials.ts): recognised by its form alone. */
export const isNodeCredential = (bearer: string): boolean => bearer.startsWith(NODE_CREDENTIAL_PREFIX);

export const LOGIN_FAILURE_LIMIT = 5;
export const LOGIN_WINDOW_SECONDS = 15 * 60;
/**
 * The longest an attempt holds its slot before hashing ends: longer than any Lambda runs,
 * so the slot of an invocation that crashed mid-hash frees itself.
 */
export const LOGIN_ATTEMPT_SECONDS = 120;

/**
 * One of an email's LOGIN_FAILURE_LIMIT login slots: an attempt in flight (held until it
 * ends, at most LOGIN_ATTEMPT_SECONDS) or a failure (held LOGIN_WINDOW_SECONDS).
 * `until` is epoch ms; a slot past it is free.
 */
export interface LoginSlot {
  id: string;
  until: number;
  failed: boolean;
}

/** The slots by number (0 … LOGIN_FAILURE_LIMIT-1); undefined: never taken. */
export type LoginSlots = readonly (LoginSlot | undefined)[];

const held = (slot: LoginSlot | undefined, now: number): slot is LoginSlot => slot !== undefined && slot.until > now;

/** The numbers of the slots an attempt may take now. */
export function freeSlots(slots: LoginSlots, now: number): number[] {
  return Array.from({ length: LOGIN_FAILURE_LIMIT }, (_, i) => i).filter((i) => !held(slots[i], now));
}

/**
 * Seconds a login must wait when every slot holds a failure of the window (until the
 * oldest frees); 0 when some slot is free or only in flight (that one ends soon).
 */
export function lockedFor(slots: LoginSlots, now: number): number {
  const live = Array.from({ length: LOGIN_FAILURE_LIMIT }, (_, i) => slots[i]).filter((s) => held(s, now));
  if (live.length < LOGIN_FAILURE_LIMIT || !live.every((s) => s.failed)) return 0;
  return Math.ceil((Math.min(...live.map((s) => s.until)) - now) / 1000);
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

/** Ella's page: the items of 1-based `page` of `perPage`, and how many there are in all. */
export const ellaPage = <T>(items: readonly T[], page: number, perPage: number, total: number) => ({
  items,
  page,
  per_page: perPage,
  total_count: total,
});

/** Ella's page cut from the whole list. */
export const pageOf = <T>(all: readonly T[], page: number, perPage: number) =>
  ellaPage(all.slice((page - 1) * perPage, page * perPage), page, perPage, all.length);

/** Parses Basic credentials; undefined when the header is not Basic or does not decode. */
export function parseBasic(authorization: string | undefined): { username: string; password: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
