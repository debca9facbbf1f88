import * as z from '../../zod';
import { USERS } from '../../identity/principal';
import { USER_CREDENTIALS } from '../../identity/resolvers';
import { route } from '../route';

/** Identity on the Sensu Go and CockroachDB surfaces, in their own wire formats. */

const HASHING_MEMORY_MB = 1024;

export const sensuAuthRoute = route({
  fn: 'sensu-auth',
  method: 'GET',
  path: '/auth',
  surface: 'sensu',
  access: 'public', // Basic is the credential, checked by the handler: no other credential mints tokens
  basicAuth: true,
  store: 'write',
  memorySize: HASHING_MEMORY_MB,
  status: 200,
  summary: 'Sensu Go login with Basic credentials: an access token and a single-use refresh token',
});

export const sensuAuthTokenRoute = route({
  fn: 'sensu-auth-token',
  method: 'POST',
  path: '/auth/token',
  surface: 'sensu',
  access: 'public', // the refresh token is the credential
  store: 'write',
  status: 200,
  summary: 'Redeem a refresh token (once) for a new access and refresh token; a replayed one revokes the session',
  body: z.strictObject({ refresh_token: z.string().check(z.minLength(1), z.maxLength(4096)) }),
});

export const sensuLogoutRoute = route({
  fn: 'sensu-auth-logout',
  method: 'POST',
  path: '/auth/logout',
  surface: 'sensu',
  access: USERS,
  credentials: USER_CREDENTIALS,
  store: 'write',
  status: 200,
  summary: "Revoke the caller's session and its refresh token",
  body: z.strictObject({ refresh_token: z.optional(z.string().check(z.minLength(1), z.maxLength(4096))) }),
});

const username = z.string().check(z.minLength(1), z.maxLength(254));
const secret = z.string().check(z.maxLength(256));

export const crdbLoginRoute = route({
  fn: 'crdb-login',
  method: 'POST',
  path: '/api/v2/login',
  surface: 'crdb',
  access: 'public',
  store: 'write',
  memorySize: HASHING_MEMORY_MB,
  status: 200,
  summary: 'CockroachDB login (username, password in a form, or in the query): a session for X-Cockroach-API-Session',
  bodyKind: 'form',
  // Go's r.ParseForm reads the form body and the query string alike; the handler takes the body's first.
  body: z.strictObject({ username: z.optional(username), password: z.optional(secret) }),
  query: z.object({ username: z.optional(username), password: z.optional(secret) }),
});

export const crdbLogoutRoute = route({
  fn: 'crdb-logout',
  method: 'POST',
  path: '/api/v2/logout',
  surface: 'crdb',
  access: 'public', // as CockroachDB's: the X-Cockroach-API-Session header names the session to end
  store: 'write',
  status: 200,
  summary: 'CockroachDB logout: ends the X-Cockroach-API-Session session (400 when none or unknown)',
  bodyKind: 'none',
});

export const crdbSessionsRoute = route({
  fn: 'crdb-sessions',
  method: 'GET',
  path: '/api/v2/sessions',
  surface: 'crdb',
  access: USERS,
  credentials: USER_CREDENTIALS,
  store: 'read',
  status: 200,
  summary: 'CockroachDB listSessions: the live login sessions (admins see all, others their own)',
  // limit/start as CockroachDB reads them (lib/compat/cockroach `paging`): an unusable one is ignored.
  // An empty username is no filter, as in CockroachDB.
  query: z.object({
    username: z.optional(z.string().check(z.maxLength(254))),
    limit: z.optional(z.string()),
    start: z.optional(z.string()),
  }),
});
