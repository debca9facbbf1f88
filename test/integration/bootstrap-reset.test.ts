import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { client } from '../support/http';
import { startRuntime, type Runtime } from '../support/runtime';

let rt: Runtime;
beforeAll(async () => {
  rt = await startRuntime({ ADMIN_EMAIL: 'only-admin@roster.test', ADMIN_PASSWORD: 'first-password' });
});
afterAll(() => rt?.stop());

/** Invokes the deployed bootstrap bundle once, as `osls invoke -f bootstrap` does, on the runtime's table. */
function invokeBootstrap(event: unknown, password: string): Record<string, unknown> {
  const bundle = join(inject('distDir'), 'functions', 'bootstrap.mjs');
  const script = `import(${JSON.stringify(bundle)}).then((m) => m.handler(${JSON.stringify(event)}, { awsRequestId: 'reset-test' })).then((r) => process.stdout.write('RESULT ' + JSON.stringify(r)))`;
  const out = execFileSync(process.execPath, ['-e', script], {
    env: { ...process.env, ...rt.env, ADMIN_PASSWORD: password, ADMIN_EMAIL: '' },
    encoding: 'utf8',
  });
  return JSON.parse(out.slice(out.indexOf('RESULT ') + 7));
}

const login = (email: string, password: string) => client(rt.url).post('/api/v1/auth/login', { email, password });

describe('recovering a lost or locked-out admin with the bootstrap function', () => {
  it('does nothing on an initialized cluster unless asked to reset', () => {
    expect(invokeBootstrap({ email: 'only-admin@roster.test' }, 'another-password')).toEqual({ created: false, initialized: true });
  });

  it('resets a locked-out admin: the new password works at once, the old one and the old sessions do not', async () => {
    const before = await login('only-admin@roster.test', 'first-password');
    expect(before.status).toBe(200);
    const oldToken = before.body.result.token;
    for (let i = 0; i < 5; i++) expect((await login('only-admin@roster.test', 'wrong-password')).status).toBe(401);
    expect((await login('only-admin@roster.test', 'first-password')).status).toBe(429);

    expect(invokeBootstrap({ email: 'only-admin@roster.test', reset: true }, 'recovered-password')).toMatchObject({
      reset: true,
      created: false,
    });
    const after = await login('only-admin@roster.test', 'recovered-password');
    expect(after.status).toBe(200);
    expect((await client(rt.url, { authorization: `Bearer ${after.body.result.token}` }).get('/api/v1/users')).status).toBe(200);
    expect((await login('only-admin@roster.test', 'first-password')).status).toBe(401);
    expect((await client(rt.url, { authorization: `Bearer ${oldToken}` }).get('/api/v1/users/me')).status).toBe(401);
  });

  it('creates an admin for an email that has no account, and audits the reset', async () => {
    expect(invokeBootstrap({ email: 'new-admin@roster.test', reset: true }, 'brand-new-password')).toMatchObject({
      reset: true,
      created: true,
    });
    const res = await login('new-admin@roster.test', 'brand-new-password');
    expect(res.status).toBe(200);
    const admin = client(rt.url, { authorization: `Bearer ${res.body.result.token}` });
    const users = (await admin.get('/api/v1/users')).body.result.items.map((u: { email: string; role_id: number }) => [u.email, u.role_id]);
    expect(users).toContainEqual(['new-admin@roster.test', 1]);
    const audit = await admin.get('/api/v1/logs/audit?action=admin-reset');
    expect(audit.status).toBe(200);
    expect(audit.body.result.items.length).toBe(2);
  });
});
