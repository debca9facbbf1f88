import { bearer } from './auth';
import { client } from './http';
import type { Fixture } from './matrix';

/** Matrix fixtures of the identity routes (see ./matrix). */

const freshUser = async (ctx: Parameters<Fixture>[0]) => {
  const email = `matrix-${ctx.unique()}@roster.test`;
  const res = await ctx.admin.post('/api/v1/users', { email, password: 'matrix-password', role_id: 2 });
  if (res.status !== 201) throw new Error(`user ${email}: ${res.status} ${res.text}`);
  return email;
};

export const identityFixtures: Record<string, Fixture> = {
  'user-create': async (ctx) => ({
    path: '/api/v1/users',
    body: { email: `matrix-${ctx.unique()}@roster.test`, password: 'matrix-password', role_id: 3 },
  }),
  'user-get': async (ctx) => ({ path: `/api/v1/users/${await freshUser(ctx)}` }),
  'user-update': async (ctx) => ({ path: `/api/v1/users/${await freshUser(ctx)}`, body: { role_id: 3 } }),
  'user-delete': async (ctx) => ({ path: `/api/v1/users/${await freshUser(ctx)}` }),
  'user-password': async (ctx) => ({ path: `/api/v1/users/${await freshUser(ctx)}/password`, body: { password: 'another-password' } }),
  // The caller's own password, set to itself: the current one must be right.
  'user-me-password': async (ctx) => ({
    path: '/api/v1/users/me/password',
    body: { current_password: ctx.user!.password, password: ctx.user!.password },
  }),
  // A token of the caller's own, made with the caller's own login.
  'api-token-delete': async (ctx) => {
    const login = await client(ctx.rt.url).post('/api/v1/auth/login', ctx.user!);
    if (login.status !== 200) throw new Error(`login ${ctx.user!.email}: ${login.status} ${login.text}`);
    const own = client(ctx.rt.url, bearer(login.body.result.token));
    const res = await own.post('/api/v1/users/me/api-tokens', { name: `matrix-${ctx.unique()}` });
    if (res.status !== 201) throw new Error(`api token: ${res.status} ${res.text}`);
    return { path: `/api/v1/users/me/api-tokens/${res.body.result.id}` };
  },
  'user-api-tokens-list': async (ctx) => ({ path: `/api/v1/users/${await freshUser(ctx)}/api-tokens` }),
  'user-api-token-create': async (ctx) => ({ path: `/api/v1/users/${await freshUser(ctx)}/api-tokens`, body: { name: 'matrix' } }),
  'user-api-token-delete': async (ctx) => {
    const email = await freshUser(ctx);
    const res = await ctx.admin.post(`/api/v1/users/${email}/api-tokens`, { name: `matrix-${ctx.unique()}` });
    if (res.status !== 201) throw new Error(`api token of ${email}: ${res.status} ${res.text}`);
    return { path: `/api/v1/users/${email}/api-tokens/${res.body.result.id}` };
  },
};
