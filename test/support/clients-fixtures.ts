import type { CellContext, Fixture } from './matrix';

/** Matrix fixtures of the client registry routes (see ./matrix): each cell gets a client of its own. */

/** Registers a fresh client (in `namespace`, or classic `default`) and returns its name. */
async function registered(ctx: CellContext, namespace?: string): Promise<string> {
  const name = `matrix-client-${ctx.unique()}`;
  const path = namespace ? `/api/core/v2/namespaces/${namespace}/clients` : '/clients';
  const res = await ctx.admin.post(path, { name, address: '10.0.0.9', subscriptions: ['matrix'] });
  if (res.status !== 201) throw new Error(`client ${name}: ${res.status} ${res.text}`);
  return name;
}

export const clientsFixtures: Record<string, Fixture> = {
  'client-get': async (ctx) => ({ path: `/clients/${await registered(ctx)}` }),
  'client-remove': async (ctx) => ({ path: `/clients/${await registered(ctx)}?invalidate=true&invalidate_expire=60` }),
  'client-keepalive': async (ctx) => ({ path: `/clients/${await registered(ctx)}/keepalive` }),
  'ns-client-get': async (ctx) => ({ path: `/api/core/v2/namespaces/matrix/clients/${await registered(ctx, 'matrix')}` }),
  'ns-client-remove': async (ctx) => ({ path: `/api/core/v2/namespaces/matrix/clients/${await registered(ctx, 'matrix')}` }),
  'ns-client-keepalive': async (ctx) => ({
    path: `/api/core/v2/namespaces/matrix/clients/${await registered(ctx, 'matrix')}/keepalive`,
  }),
};
