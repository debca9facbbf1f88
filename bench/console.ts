/**
 * Section 6: the console. Its JavaScript, gzipped (from the build's dist/console.json), and the
 * first render of the members page through the local runtime in headless Chromium: from the
 * navigation to the table showing every member, logged in (the session cookie refreshed, as
 * after a reload). The first load fetches the assets; the later ones have them cached.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { superviseRuntime } from '../infra/local/supervise';
import { CHROMIUM, launchChromium } from '../test/support/browser';
import { joinNodes, logIn } from '../test/support/console-seed';

export interface ConsoleFigures {
  jsKb: number;
  jsGzipKb: number;
  members: number;
  /** The first render with nothing cached, then the median of the reloads, in ms. */
  firstMs: number;
  reloadMedianMs: number;
  reloads: number;
}

const ADMIN = { email: 'bench-console@roster.test', password: 'bench-console-password' };

export const chromiumInstalled = (): boolean => existsSync(CHROMIUM);

export async function measureConsole(dist: string, dynamoEndpoint: string, members = 10, reloads = 7): Promise<ConsoleFigures> {
  const size = JSON.parse(readFileSync(join(dist, 'console.json'), 'utf8')) as { jsBytes: number; jsGzipBytes: number };
  const rt = await superviseRuntime(dist, {
    DYNAMODB_ENDPOINT: dynamoEndpoint,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    PASSWORD_SCRYPT_LOG_N: '10',
    ROSTER_WATCHER_INTERVAL_SECONDS: '3600',
  });
  const browser = await launchChromium();
  try {
    const admin = await logIn(rt.url, ADMIN);
    await joinNodes(
      rt.url,
      admin,
      Array.from({ length: members }, (_, i) => i + 1),
    );
    const page = await browser.context.newPage();
    page.setDefaultTimeout(60_000);
    const rows = page.getByRole('table', { name: 'Members', exact: true }).getByRole('row');
    const rendered = async () => {
      // Every member's row, plus the header.
      while ((await rows.count()) < members + 1) await page.waitForTimeout(10);
    };
    // Log in once; the session cookie is what a reload then finds.
    await page.goto(`${rt.url}/ui/`);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await rendered();

    const timed = async (go: () => Promise<unknown>) => {
      const started = performance.now();
      await go();
      await rendered();
      return performance.now() - started;
    };
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('Network.clearBrowserCache');
    const firstMs = await timed(() => page.goto(`${rt.url}/ui/`));
    const times: number[] = [];
    for (let i = 0; i < reloads; i++) times.push(await timed(() => page.reload()));
    times.sort((a, b) => a - b);
    return {
      jsKb: size.jsBytes / 1024,
      jsGzipKb: size.jsGzipBytes / 1024,
      members,
      firstMs,
      reloadMedianMs: times[Math.floor(times.length / 2)]!,
      reloads,
    };
  } finally {
    await browser.close();
    await rt.stop();
  }
}
