import { createHash } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteSpec } from '../../lib/http/route';
import { ROLE_IDS, type Caller } from '../../lib/identity/roles';
import { routes } from '../../lib/http/routes';
import { accessToken, bearer } from '../support/auth';
import { clusterClients } from '../support/cluster';
import { examples, type Example } from '../support/examples';
import { call, client } from '../support/http';
import { fixtures, type CellContext } from '../support/matrix';
import { startRuntime, type Runtime } from '../support/runtime';

/**
 * Every non-public route of the table × every kind of credential, each cell with a valid
 * request for its route (test/support/matrix.ts), so that only the credential decides:
 * 401 for no, bad, expired, unsigned or mistyped tokens; 403 for a caller the route does
 * not admit, and for any JWT on a route no user may call (it carries no JWT check: a
 * token there is refused unread); the route's success status for one it does.
 */

const ADMIN = { email: 'matrix-admin@roster.test', password: 'matrix-admin-password' };
const USERS = {
  operator: { email: 'matrix-operator@roster.test', password: 'matrix-operator-pw' },
  readonly: { email: 'matrix-reader@roster.test', password: 'matrix-reader-pw' },
};

let rt: Runtime;
let ctxBase: Omit<CellContext, 'caller' | 'user'>;
const credentials: Record<string, () => Promise<Record<string, string>>> = {};

const header = (token: string) => ({ authorization: `Bearer ${token}` });
const signWith = async (typ: string, claims: Record<string, unknown>, ttl: number) => {
  const secret = new TextEncoder().encode(rt.env.TOKEN_SECRET);
  const kid = createHash('sha256').update(secret).digest('hex').slice(0, 16);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ, kid })
    .setIssuer('roster')
    .setAudience('roster')
    .setIssuedAt(now)
    .setExpirationTime(now + ttl)
    .sign(secret);
};

beforeAll(async () => {
  rt = await startRuntime({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
  const admin = client(rt.url, bearer(await accessToken(rt, 'admin', ADMIN.email)));
  for (const [role, u] of Object.entries(USERS)) {
    const res = await admin.post('/api/v1/users', { ...u, role_id: ROLE_IDS[role as keyof typeof ROLE_IDS] });
    if (res.status !== 201) throw new Error(`user ${u.email}: ${res.status} ${res.text}`);
  }
  const cluster = await clusterClients(rt);
  const first = await cluster.join(1);
  let next = 1000;
  const unique = () => next++;
  ctxBase = {
    rt,
    admin,
    node: { nodeId: 1, client: first.node },
    unique,
    join: async () => {
      const id = unique();
      const joined = await cluster.join(id);
      return { nodeId: id, client: joined.node };
    },
  };
  const claims = { sub: ADMIN.email, role_id: 1 };
  Object.assign(credentials, {
    'no credential': async () => ({}),
    garbage: async () => header('garbage'),
    expired: async () => header(await accessToken(rt, 'admin', ADMIN.email, -120)),
    'alg none': async () =>
      header(new UnsecuredJWT(claims).setIssuer('roster').setAudience('roster').setIssuedAt().setExpirationTime('10m').encode()),
    'wrong typ': async () => header(await signWith('refresh+jwt', claims, 600)),
    readonly: async () => header(await accessToken(rt, 'readonly', USERS.readonly.email)),
    operator: async () => header(await accessToken(rt, 'operator', USERS.operator.email)),
    admin: async () => header(await accessToken(rt, 'admin', ADMIN.email)),
    node: async () => header(first.answer.nodeToken),
  });
}, 180_000);
afterAll(() => rt?.stop());

const COLUMNS = ['no credential', 'garbage', 'expired', 'alg none', 'wrong typ', 'readonly', 'operator', 'admin', 'node'] as const;
/** The columns whose credential is a JWT (bad ones): 401 where users may call, 403 unread where none may. */
const JWT_COLUMNS = new Set<string>(['expired', 'alg none', 'wrong typ']);
const CALLERS: Partial<Record<(typeof COLUMNS)[number], Caller>> = {
  readonly: 'readonly',
  operator: 'operator',
  admin: 'admin',
  node: 'node',
};
const userOf = (caller: Caller) => (caller === 'admin' ? ADMIN : caller === 'node' ? undefined : USERS[caller]);

async function cell(route: RouteSpec, column: (typeof COLUMNS)[number]): Promise<{ expected: number; status: number; text: string }> {
  const caller = CALLERS[column];
  const admitted = caller !== undefined && route.access !== 'public' && route.access.includes(caller);
  const fixture = fixtures[route.fn];
  const user = caller ? userOf(caller) : undefined;
  const example: Example | undefined =
    admitted && fixture ? await fixture({ ...ctxBase, caller, ...(user ? { user } : {}) }) : examples[route.fn];
  if (!example) throw new Error(`${route.fn} has no example request (test/support/examples.ts) nor fixture (test/support/matrix.ts)`);
  const takesUsers = route.access !== 'public' && route.access.some((c) => c !== 'node');
  const unreadJwt = JWT_COLUMNS.has(column) && !takesUsers;
  const expected = caller === undefined && !unreadJwt ? 401 : admitted ? (example.status ?? route.status) : 403;
  const res = await call(rt.url, route.method, example.path, {
    ...(example.body !== undefined && route.method !== 'GET' ? { body: example.body } : {}),
    headers: { ...example.headers, ...(await credentials[column]!()) },
  });
  return { expected, status: res.status, text: res.text.slice(0, 200) };
}

describe('the access matrix', () => {
  it('has an access declaration on every route: public, or the callers it admits', () => {
    const callers = ['admin', 'operator', 'readonly', 'node'];
    for (const r of routes) {
      const declared =
        r.access === 'public' || (Array.isArray(r.access) && r.access.length > 0 && r.access.every((c) => callers.includes(c)));
      expect(declared, `${r.fn} declares no access`).toBe(true);
    }
  });

  for (const route of routes.filter((r) => r.access !== 'public')) {
    it(`${route.method} ${route.path} (${route.fn}) answers each credential exactly`, async () => {
      const results: string[] = [];
      for (const column of COLUMNS) {
        const { expected, status, text } = await cell(route, column);
        if (status !== expected) results.push(`${column}: expected ${expected}, got ${status} ${text}`);
      }
      expect(results).toEqual([]);
    });
  }
});
