import type { Example } from './examples';

/** A valid request for each identity route, keyed by the route's `fn` (see ./examples). */
export const identityExamples: Record<string, Example> = {
  init: { path: '/api/v1/init', body: { email: 'fuzz-init@roster.test', password: 'fuzz-password' } },
  'auth-login': { path: '/api/v1/auth/login', body: { email: 'fuzz@roster.test', password: 'wrong-password' } },
  'auth-refresh': { path: '/api/v1/auth/refresh' },
  'auth-logout': { path: '/api/v1/auth/logout' },
  'auth-lookup-token': { path: '/api/v1/auth/lookup-token' },
  'auth-rotate-secret': { path: '/api/v1/auth/rotate-secret' },
  'users-list': { path: '/api/v1/users?page=1&per_page=10' },
  'user-create': { path: '/api/v1/users', body: { email: 'fuzz-user@roster.test', password: 'fuzz-password', role_id: 2 } },
  'user-get': { path: '/api/v1/users/admin@roster.test' },
  'user-update': { path: '/api/v1/users/fuzz-user@roster.test', body: { role_id: 3 } },
  'user-delete': { path: '/api/v1/users/fuzz-gone@roster.test' },
  'user-password': { path: '/api/v1/users/fuzz-user@roster.test/password', body: { password: 'another-password' } },
  'user-me': { path: '/api/v1/users/me' },
  'user-me-password': { path: '/api/v1/users/me/password', body: { current_password: 'wrong-password', password: 'new-password' } },
  'api-tokens-list': { path: '/api/v1/users/me/api-tokens' },
  'api-token-create': { path: '/api/v1/users/me/api-tokens', body: { name: 'fuzz' } },
  'api-token-delete': { path: '/api/v1/users/me/api-tokens/0123456789abcdef' },
  openapi: { path: '/api/v1/openapi.json' },
  'sensu-auth': { path: '/auth' },
  'sensu-auth-token': { path: '/auth/token', body: { refresh_token: 'not.a.token' } },
  'sensu-auth-logout': { path: '/auth/logout', body: {} },
  'crdb-login': { path: '/api/v2/login/', body: { username: 'fuzz@roster.test', password: 'wrong-password' } },
  'crdb-logout': { path: '/api/v2/logout/' },
  'crdb-sessions': { path: '/api/v2/sessions/?limit=10' },
};
