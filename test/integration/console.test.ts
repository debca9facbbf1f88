import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, type HeadlessBrowser } from '../support/browser';
import { createUser, joinNodes, logIn } from '../support/console-seed';
import { client } from '../support/http';
import { startRuntime, type Runtime } from '../support/runtime';

/**
 * The console end to end: the local runtime serves it, headless Chromium (Debian's
 * `chromium`, driven by playwright-core) uses it as a person would, and everything is found
 * by its accessible role and name. Waits are on what the page shows, never on time.
 */

const ADMIN = { email: 'console-admin@roster.test', password: 'console-admin-password' };
const READER = { email: 'console-reader@roster.test', password: 'console-reader-password' };
const OPERATOR = { email: 'console-operator@roster.test', password: 'console-operator-password' };
/** Generous: a busy 2-core machine runs another copy of the suite beside this one. */
const WAIT = 45_000;

let rt: Runtime;
let browser: HeadlessBrowser;
let page: Page;
let admin: Awaited<ReturnType<typeof logIn>>;
let nodes: Awaited<ReturnType<typeof joinNodes>>;

beforeAll(async () => {
  rt = await startRuntime({
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    // Nodes here heartbeat once: nobody is called failed, and the leader keeps its lease, while the test runs.
    AUTOPILOT_LAST_CONTACT_THRESHOLD_SECONDS: '3600',
    LEADER_LEASE_SECONDS: '3600',
  });
  admin = await logIn(rt.url, ADMIN);
  await createUser(admin, READER, 2);
  await createUser(admin, OPERATOR, 3);
  nodes = await joinNodes(rt.url, admin, [1, 2, 3]);
  browser = await launchChromium();
  browser.context.setDefaultTimeout(WAIT);
  page = await browser.context.newPage();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await rt?.stop();
});

const members = () => page.getByRole('table', { name: 'Members', exact: true });
/** A member's row, by its raft address (unique per node in this file). */
const row = (id: number): Locator =>
  members()
    .getByRole('row')
    .filter({ hasText: `10.0.0.${id}:7000` });
const button = (scope: Locator, name: string) => scope.getByRole('button', { name, exact: true });

async function logInAs(who: { email: string; password: string }): Promise<void> {
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await button(page.locator('body'), 'Log in').click();
  // The page the session ended on comes back; these tests start from the cluster.
  await page.getByRole('link', { name: 'Cluster', exact: true }).click();
  await page.getByRole('heading', { name: 'Cluster', exact: true }).waitFor();
}

async function logOut(): Promise<void> {
  await button(page.locator('body'), 'Log out').click();
  await button(page.locator('body'), 'Log in').waitFor();
}

describe('the console over HTTP', () => {
  it('sends / to /ui/, and serves the page with a strict policy and no cache', async () => {
    const home = await fetch(`${rt.url}/`, { redirect: 'manual' });
    expect(home.status).toBe(302);
    expect(new URL(home.headers.get('location')!, `${rt.url}/`).pathname).toBe('/ui/');
    const bare = await fetch(`${rt.url}/ui`, { redirect: 'manual' });
    expect(new URL(bare.headers.get('location')!, `${rt.url}/ui`).pathname).toBe('/ui/');

    const res = await fetch(`${rt.url}/ui/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await res.text();
    // Every script is a file of this origin: none inline, none elsewhere.
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc="assets\/[\w-]+\.js"/);
      expect(body!.trim()).toBe('');
    }
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//);

    const again = await fetch(`${rt.url}/ui/`, { headers: { 'if-none-match': res.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  it('serves hashed assets for a year, gzipped when asked, and answers a missing one 404 under the same policy', async () => {
    const html = await (await fetch(`${rt.url}/ui/`)).text();
    const assets = [...html.matchAll(/(?:src|href)="(assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.some((a) => a.endsWith('.js')) && assets.some((a) => a.endsWith('.css'))).toBe(true);
    for (const asset of assets) {
      const res = await fetch(`${rt.url}/ui/${asset}`);
      expect(res.status, asset).toBe(200);
      expect(res.headers.get('cache-control'), asset).toBe('public, max-age=31536000, immutable');
      expect(res.headers.get('content-security-policy'), asset).toContain("default-src 'self'");
      expect(res.headers.get('x-content-type-options'), asset).toBe('nosniff');
    }
    const js = assets.find((a) => a.endsWith('.js'))!;
    const plain = await fetch(`${rt.url}/ui/${js}`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(plain.headers.get('content-encoding')).toBeNull();
    const plainBytes = Buffer.from(await plain.arrayBuffer());
    // fetch decodes gzip itself: the same bytes arrive, the header says how they travelled.
    const gzipped = await fetch(`${rt.url}/ui/${js}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(gzipped.headers.get('content-encoding')).toBe('gzip');
    expect(Buffer.from(await gzipped.arrayBuffer()).equals(plainBytes)).toBe(true);

    const missing = await fetch(`${rt.url}/ui/assets/app-NOTBUILT.js`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    // A path names a built file or nothing: no way out of the console's directory.
    expect((await fetch(`${rt.url}/ui/..%2F..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${rt.url}/ui/assets/..%2F..%2Ffunctions%2Fconsole.mjs`)).status).toBe(404);
  });
});

describe('the console in a browser', () => {
  it('logs in at / and shows the three members, the leader and the autopilot view', async () => {
    // A policy violation is logged to the console; a script error is a page error.
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && /Content.Security.Policy|Refused to/i.test(m.text()) && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${rt.url}/`);
    expect(new URL(page.url()).pathname).toBe('/ui/');
    await logInAs(ADMIN);
    await expect.poll(() => members().getByRole('row').count(), { timeout: WAIT }).toBe(4);
    await row(1).getByText('leader', { exact: true }).waitFor();
    const cluster = page.getByRole('region', { name: 'Cluster', exact: true });
    await cluster.getByText('node 1', { exact: true }).waitFor();
    expect(await cluster.innerText()).toMatch(/Failure tolerance\s+0 nodes/i);
    expect(await cluster.innerText()).toMatch(/Voters\s+1\b/i);
    expect(errors).toEqual([]);
  });

  it('keeps the session across a reload', async () => {
    await page.reload();
    await page.getByRole('heading', { name: 'Cluster', exact: true }).waitFor();
    expect(await button(page.locator('body'), 'Log in').count()).toBe(0);
    await expect.poll(() => members().getByRole('row').count(), { timeout: WAIT }).toBe(4);
  });

  it('drains a member with a deadline, follows it until drained, and resumes it', async () => {
    const node = nodes.get(2)!;
    const held = await node.put('/api/v1/leases/console.job', { ttlSeconds: 600 });
    expect(held.status).toBe(200);
    await button(row(2), 'Drain').click();
    await page.getByLabel('Deadline (seconds)').fill('600');
    await button(row(2), 'Start drain').click();
    await row(2).getByText('draining', { exact: true }).waitFor();
    await row(2)
      .getByText(/1 lease left · \d+ s to the deadline/)
      .waitFor();
    expect((await admin.get('/api/v1/cluster/members/2')).body.result.drainState).toBe('draining');

    // Its last lease released, the drain completes; the page shows it without a reload.
    const released = await node.delete(`/api/v1/leases/console.job?fencingToken=${held.body.result.fencingToken}`);
    expect(released.status).toBe(200);
    await row(2).getByText('drained', { exact: true }).waitFor();

    await button(row(2), 'Resume').click();
    await row(2).getByText('active', { exact: true }).waitFor();
    await button(row(2), 'Drain').waitFor();
    expect((await admin.get('/api/v1/cluster/members/2')).body.result.drainState).toBe('active');
  });

  it('promotes a nonvoter', async () => {
    expect(await row(3).getByRole('cell', { name: 'nonvoter', exact: true }).count()).toBe(1);
    await button(row(3), 'Promote').click();
    await row(3).getByRole('cell', { name: 'voter', exact: true }).waitFor();
    await button(row(3), 'Promote').waitFor({ state: 'detached' });
    expect((await admin.get('/api/v1/cluster/members/3')).body.result.suffrage).toBe('voter');
  });

  it('removes a drained member after a confirmation that says what will happen', async () => {
    await button(row(3), 'Drain').click();
    await page.getByLabel('Deadline (seconds)').fill('0');
    await button(row(3), 'Start drain').click();
    await row(3).getByText('drained', { exact: true }).waitFor();

    await button(row(3), 'Remove').click();
    const dialog = page.getByRole('dialog', { name: 'Remove node 3?' });
    await dialog.waitFor();
    expect(await dialog.innerText()).toMatch(/drained.*revokes its 0 leases/s);
    await button(dialog, 'Remove node 3').click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => members().getByRole('row').count(), { timeout: WAIT }).toBe(3);
    expect((await admin.get('/api/v1/cluster/members/3')).status).toBe(404);
  });

  it('offers force only where the API takes it, and never for the leader', async () => {
    await button(row(1), 'Remove').click();
    const leader = page.getByRole('dialog', { name: 'Remove node 1?' });
    expect(await leader.innerText()).toMatch(/never removes the leader/);
    expect(await leader.getByRole('checkbox').count()).toBe(0);
    expect(await button(leader, 'Remove node 1').count()).toBe(0);
    await page.keyboard.press('Escape');
    await leader.waitFor({ state: 'detached' });

    await button(row(2), 'Remove').click();
    const active = page.getByRole('dialog', { name: 'Remove node 2?' });
    expect(await button(active, 'Remove node 2').isDisabled()).toBe(true);
    await active.getByRole('checkbox', { name: 'Remove by force, without draining' }).waitFor();
    await button(active, 'Cancel').click();
    await active.waitFor({ state: 'detached' });
  });

  it('mints a join token shown once with its agent command, and the token joins the node', async () => {
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: rt.url });
    await page.getByRole('link', { name: 'Join a node' }).click();
    await page.getByLabel('Node id').fill('7');
    await button(page.locator('main'), 'Mint join token').click();
    const token = await page.getByLabel('Join token', { exact: true }).inputValue();
    expect(token.split('.')).toHaveLength(3);
    const command = await page.getByLabel('Agent command').inputValue();
    expect(command).toBe(`ROSTER_URL=${rt.url} ROSTER_JOIN_TOKEN=${token} ROSTER_STATE_FILE=.roster/node-7.json npx tsx examples/agent.ts`);
    await button(page.locator('main'), 'Copy join token').click();
    await page.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(token);
    await page.getByRole('table', { name: 'Unused join tokens' }).getByRole('cell', { name: '7', exact: true }).waitFor();

    const joined = await client(rt.url).post('/api/v1/cluster/join', {
      token,
      raftAddress: '10.0.0.7:7000',
      apiAddress: '10.0.0.7:5002',
      binaryVersion: 'v1.4.2',
      certFingerprint: 'sha256:77',
    });
    expect(joined.status).toBe(201);
    await page.getByRole('link', { name: 'Cluster', exact: true }).click();
    await row(7).waitFor();
  });

  it('shows leases, clients by namespace, users and the audit log filtered by action', async () => {
    await nodes.get(1)!.put('/api/v1/leases/console.scheduler', { ttlSeconds: 600 });
    expect(
      (await admin.post('/api/core/v2/namespaces/edge/clients', { name: 'probe-1', address: '10.9.0.1', subscriptions: ['linux'] })).status,
    ).toBe(201);

    await page.getByRole('link', { name: 'Leases' }).click();
    const leases = page.getByRole('table', { name: 'Leases' });
    await leases.getByRole('row').filter({ hasText: 'console.scheduler' }).getByText('node 1').waitFor();

    await page.getByRole('link', { name: 'Clients' }).click();
    await page.getByRole('textbox', { name: 'Namespace', exact: true }).fill('edge');
    await button(page.locator('main'), 'Show').click();
    const clients = page.getByRole('table', { name: 'Clients' });
    await clients.getByRole('row').filter({ hasText: 'probe-1' }).getByText('ok', { exact: true }).waitFor();

    await page.getByRole('link', { name: 'Users and API tokens' }).click();
    const users = page.getByRole('table', { name: 'Users', exact: true });
    for (const who of [ADMIN, READER, OPERATOR]) await users.getByRole('rowheader', { name: who.email }).waitFor();

    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('textbox', { name: 'Action', exact: true }).fill('member.promote');
    await button(page.locator('main'), 'Filter').click();
    const audit = page.getByRole('table', { name: 'Audit log' });
    await audit.getByRole('row').filter({ hasText: 'member.promote' }).filter({ hasText: ADMIN.email }).waitFor();
    await expect.poll(() => audit.getByRole('row').count(), { timeout: WAIT }).toBe(2);
    await page.getByRole('link', { name: 'Cluster', exact: true }).click();
  });

  it('shows a read-only user everything but the actions', async () => {
    await logOut();
    await logInAs(READER);
    await expect.poll(() => members().getByRole('row').count(), { timeout: WAIT }).toBe(4);
    expect(await members().getByRole('button').count()).toBe(0);
    expect(await members().getByRole('columnheader', { name: 'Actions' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Join a node' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
  });

  it('gives an operator drain, resume and promote but not remove, and says in words why a refused action failed', async () => {
    await logOut();
    await logInAs(OPERATOR);
    await button(row(2), 'Drain').waitFor();
    expect(await members().getByRole('button', { name: 'Remove' }).count()).toBe(0);
    expect(await button(row(7), 'Promote').count()).toBe(1);

    // Demoted behind the page's back: the next action is refused, and the page says so beside it.
    expect((await admin.put(`/api/v1/users/${OPERATOR.email}`, { role_id: 2 })).status).toBe(200);
    await button(row(2), 'Drain').click();
    await page.getByLabel('Deadline (seconds)').fill('60');
    await button(row(2), 'Start drain').click();
    await row(2).getByRole('alert').filter({ hasText: 'Drain failed: This requires the admin or operator role' }).waitFor();
    expect((await admin.get('/api/v1/cluster/members/2')).body.result.drainState).toBe('active');
  });
});

describe('npm run screenshot', () => {
  it("writes the members page as a PNG (here into a scratch directory, from this run's build)", async () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const scratch = mkdtempSync(join(root, '.roster', 'screenshot-'));
    try {
      const out = join(scratch, 'console.png');
      await promisify(execFile)(join(root, 'node_modules/.bin/tsx'), [join(root, 'infra/screenshot.ts'), out], {
        env: { ...process.env, ROSTER_DIST: inject('distDir'), DYNAMODB_ENDPOINT: inject('dynamodbEndpoint') },
        timeout: 170_000,
      });
      const png = readFileSync(out);
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(png.readUInt32BE(16)).toBe(1440); // the IHDR width: the viewport's
      expect(png.readUInt32BE(20)).toBeGreaterThan(400);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }, 180_000);
});
