/**
 * `npm run screenshot`: docs/img/console.png, the console's members page over a small seeded
 * cluster, for the README. A script of its own, not a test, so that tests never write into
 * the tree. Starts the local runtime from dist/ (npm run build first) with an emulator of its
 * own and headless Chromium (Debian's `chromium`).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { superviseRuntime } from './local/supervise';
import { launchChromium } from '../test/support/browser';
import { createUser, heartbeat, joinNodes, logIn } from '../test/support/console-seed';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = process.argv[2] ?? join(root, 'docs/img/console.png');
const ADMIN = { email: 'admin@example.com', password: 'correct-horse' };

// The test that runs this script passes its run's build and emulator; by default, dist/ and an emulator of its own.
const rt = await superviseRuntime(process.env.ROSTER_DIST ?? join(root, 'dist'), {
  DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT ?? '',
  ADMIN_EMAIL: ADMIN.email,
  ADMIN_PASSWORD: ADMIN.password,
  PASSWORD_SCRYPT_LOG_N: '10',
  ROSTER_WATCHER_INTERVAL_SECONDS: '3600',
  // A still picture: nobody is late for a heartbeat while it is taken.
  AUTOPILOT_LAST_CONTACT_THRESHOLD_SECONDS: '3600',
  AUTOPILOT_SERVER_STABILIZATION_SECONDS: '0',
  LEADER_LEASE_SECONDS: '3600',
});
const browser = await launchChromium({ width: 1440, height: 560 });
try {
  const admin = await logIn(rt.url, ADMIN);
  await createUser(admin, { email: 'oncall@example.com', password: 'oncall-password' }, 3);
  const nodes = await joinNodes(rt.url, admin, [1, 2, 3, 4]);
  for (const id of [2, 3]) await admin.post(`/api/v1/cluster/members/${id}/promote`);
  await nodes.get(2)!.put('/api/v1/leases/jobs.scheduler', { ttlSeconds: 600 });
  await nodes.get(3)!.put('/api/v1/leases/shard-7', { ttlSeconds: 600 });
  await nodes.get(3)!.put('/api/v1/leases/shard-8', { ttlSeconds: 600 });
  for (const [id, node] of nodes) await heartbeat(node, id);
  await admin.post('/api/v1/cluster/members/3/drain', { deadlineSeconds: 300 });

  const page = await browser.context.newPage();
  await page.goto(`${rt.url}/ui/`);
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  const members = page.getByRole('table', { name: 'Members' });
  await members.getByRole('row').nth(4).waitFor();
  // A few seconds into the drain, so that its progress shows.
  await page.waitForTimeout(4000);
  mkdirSync(join(out, '..'), { recursive: true });
  await page.screenshot({ path: out, fullPage: true });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await rt.stop();
}
