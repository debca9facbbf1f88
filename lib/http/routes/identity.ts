import * as z from '../../zod';
import { ADMIN, USERS } from '../../identity/principal';
import { USER_CREDENTIALS } from '../../identity/resolvers';
import { route } from '../route';
import { email, intParam, password } from '../schemas';

/** Identity on the canonical surface (Ella Core's): init, logins, users, API tokens, key rotation. */

/** Lambdas that hash passwords: scrypt at N=2^17, r=8 takes 128 MiB, and more memory is more CPU. */
const HASHING_MEMORY_MB = 1024;

const credentials = z.strictObject({ email, password });
const roleId = z.union([z.literal(1), z.literal(2), z.literal(3)]);
const paging = z.object({ page: z._default(intParam(1, 1_000_000), 1), per_page: z._default(intParam(1, 1000), 25) });
const emailParams = z.strictObject({ email });

export const initRoute = route({
  fn: 'init',
  method: 'POST',
  path: '/api/v1/init',
  surface: 'ella',
  access: 'public', // answered only while no user exists; then 403
  // Public and unauthenticated: on AWS the bootstrap function initializes instead.
  deployed: false,
  store: 'write',
  memorySize: HASHING_MEMORY_MB,
  status: 201,
  summary: 'Create the first admin (only while Roster is not initialized) and return a token',
  body: credentials,
});

export const loginRoute = route({
  fn: 'auth-login',
  method: 'POST',
  path: '/api/v1/auth/login',
  surface: 'ella',
  access: 'public',
  store: 'write',
  memorySize: HASHING_MEMORY_MB,
  status: 200,
  summary: 'Log in: an access token, and an HttpOnly SameSite=Strict session cookie for refresh',
  body: credentials,
});

export const refreshRoute = route({
  fn: 'auth-refresh',
  method: 'POST',
  path: '/api/v1/auth/refresh',
  surface: 'ella',
  access: 'public', // the session cookie is the credential
  store: 'read',
  status: 200,
  summary: "A fresh access token for the session cookie's session",
  bodyKind: 'none',
});

export const logoutRoute = route({
  fn: 'auth-logout',
  method: 'POST',
  path: '/api/v1/auth/logout',
  surface: 'ella',
  access: 'public', // the session cookie names what to end
  store: 'write',
  status: 204,
  summary: "End the session cookie's session and clear the cookie",
  bodyKind: 'none',
});

export const lookupTokenRoute = route({
  fn: 'auth-lookup-token',
  method: 'POST',
  path: '/api/v1/auth/lookup-token',
  surface: 'ella',
  access: 'public', // the Authorization header is what it checks: an invalid one is {valid: false}
  store: 'read',
  status: 200,
  summary: 'Whether the Authorization header holds a valid credential (400 without one)',
  bodyKind: 'none',
});

export const rotateSecretRoute = route({
  fn: 'auth-rotate-secret',
  method: 'POST',
  path: '/api/v1/auth/rotate-secret',
  surface: 'ella',
  access: ADMIN,
  credentials: USER_CREDENTIALS,
  store: 'write',
  status: 200,
  summary: 'Rotate the token signing key: the new key signs within KEY_CACHE_SECONDS, the old one still verifies',
  bodyKind: 'none',
});

export const listUsersRoute = route({
  fn: 'users-list',
  method: 'GET',
  path: '/api/v1/users',
  surface: 'ella',
  access: ADMIN,
  credentials: USER_CREDENTIALS,
  store: 'read',
  status: 200,
  summary: 'A page of users by email',
  query: paging,
});

export const createUserRoute = route({
  fn: 'user-create',
  method: 'POST',
  path: '/api/v1/users',
  surface: 'ella',
  access: ADMIN,
  credentials: USER_CREDENTIALS,
  store: 'write',
  memorySize: HASHING_MEMORY_MB,
  status: 201,
  summary: 'Create a user with a role',
  body: z.strictObject({ email, password, role_id: roleId }),
});

export const getUserRoute = route({
  fn: 'user-get',
  method: 'GET',
  path: '/api/v1/users/{email}',
  surface: 'ella',
  access: ADMIN,
  credentials: USER_CREDENTIALS,
  store: 'read',
  status: 200,
  summary: 'One user',
  params: emailParams,
});

export const updateUserRoute = route({
  fn: 'user-update',
  method: 'PUT',
  path: '/api/v1/users/{email}',
  surface: 'ella',
  access: ADMIN,
  credentials: USER_CREDENTIALS,
  store: 'write',
  status: 200,
  summary: "Change a user's role",
  params: emailParams,
  body: z.strictObject({ role_id: roleId }),
});

export const deleteUserRoute = route({
  fn: 'user-delete',
  method: 'DELETE',
  path: '/api/v1/users/{email}',
  surface: 'ella',
  access: ADMIN,
  credentials: USER_CREDENTIALS,
  store: 'write',
  status: 200,
  summary: 'Delete a user (their sessions and API tokens stop working)',
  params: emailParams,
  bodyKind: 'none',
});

export const setUserPasswordRoute = route({
  fn: 'user-password',
  method: 'PUT',
  path: '/api/v1/users/{email}/password',
  surface: 'ella',
  access: ADMIN,
  credentials: USER_CREDENTIALS,
  store: 'write',
  memorySize: HASHING_MEMORY_MB,
  status: 200,
  summary: "Set a user's password",
  params: emailParams,
  body: z.strictObject({ password }),
});

export const meRoute = route({
  fn: 'user-me',
  method: 'GET',
  path: '/api/v1/users/me',
  surface: 'ella',
  access: USERS,
  credentials: USER_CREDENTIALS,
  store: 'read',
  status: 200,
  summary: 'The signed-in user',
});

export const changeOwnPasswordRoute = route({
  fn: 'user-me-password',
  method: 'PUT',
  path: '/api/v1/users/me/password',
  surface: 'ella',
  access: USERS,
  credentials: USER_CREDENTIALS,
  store: 'write',
  memorySize: HASHING_MEMORY_MB,
  status: 200,
  summary: 'Change your own password (the current one is required)',
  body: z.strictObject({ current_password: password, password }),
});

/** Ella's "No expiry" sends an empty string; otherwise an RFC 3339 time in the future. */
const apiTokenBody = z.strictObject({
  name: z.string().check(z.minLength(1), z.maxLength(100)),
  expires_at: z.optional(z.union([z.literal(''), z.iso.datetime({ offset: true })])),
});
/** Any id of Roster's form or Ella's (12 letters and digits): one that names no token is 404. */
const apiTokenId = z.string().check(z.regex(/^[A-Za-z0-9]{1,64}$/, 'must be an API token id (letters and digits)'));

export const listApiTokensRoute = route({
  fn: 'api-tokens-list',
  method: 'GET',
  path: '/api/v1/users/me/api-tokens',
  surface: 'ella',
  access: USERS,
  credentials: USER_CREDENTIALS,
  store: 'read',
  status: 200,
  summary: 'Your API tokens (never their secrets)',
  query: paging,
});

export const createApiTokenRoute = route({
  fn: 'api-token-create',
  method: 'POST',
  path: '/api/v1/users/me/api-tokens',
  surface: 'ella',
  access: USERS, // a token acts with its owner's current role: nothing escalates
  credentials: USER_CREDENTIALS,
  store: 'write',
  status: 201,
  summary: 'Mint an API token roster_<id>_<secret>; the answer is the only time it is shown',
  body: apiTokenBody,
});

export const deleteApiTokenRoute = route({
  fn: 'api-token-delete',
  method: 'DELETE',
  path: '/api/v1/users/me/api-tokens/{id}',
  surface: 'ella',
  access: USERS,
  credentials: USER_CREDENTIALS,
  store: 'write',
  status: 200,
  summary: 'Revoke one of your API tokens',
  params: z.strictObject({ id: apiTokenId }),
  bodyKind: 'none',
});

export const listUserApiTokensRoute = route({
  fn: 'user-api-tokens-list',
  method: 'GET',
  path: '/api/v1/users/{email}/api-tokens',
  surface: 'ella',
  access: ADMIN,
  credentials: USER_CREDENTIALS,
  store: 'read',
  status: 200,
  summary: "A user's API tokens (never their secrets)",
  params: emailParams,
  query: paging,
});

export const createUserApiTokenRoute = route({
  fn: 'user-api-token-create',
  method: 'POST',
  path: '/api/v1/users/{email}/api-tokens',
  surface: 'ella',
  access: ADMIN,
  credentials: USER_CREDENTIALS,
  store: 'write',
  status: 201,
  summary: 'Mint an API token for a user; the answer is the only time it is shown',
  params: emailParams,
  body: apiTokenBody,
});

export const deleteUserApiTokenRoute = route({
  fn: 'user-api-token-delete',
  method: 'DELETE',
  path: '/api/v1/users/{email}/api-tokens/{id}',
  surface: 'ella',
  access: ADMIN,
  credentials: USER_CREDENTIALS,
  store: 'write',
  status: 200,
  summary: "Revoke one of a user's API tokens",
  params: z.strictObject({ email, id: apiTokenId }),
  bodyKind: 'none',
});

export const openapiRoute = route({
  fn: 'openapi',
  method: 'GET',
  path: '/api/v1/openapi.json',
  surface: 'ella',
  access: 'public',
  store: 'none',
  status: 200,
  summary: 'This API as an OpenAPI 3.1 document, generated from the route table',
});
