import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../support/runtime';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The `sh` block that follows `marker` in the README, verbatim. */
function blockAfter(marker: string): string {
  const at = readme.indexOf(marker);
  if (at < 0) throw new Error(`README has no "${marker}"`);
  const match = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!match) throw new Error(`no sh block after "${marker}"`);
  return match[1]!;
}

/** The settings the README's start command passes, as an environment. */
function startSettings(): Record<string, string> {
  const command = blockAfter('## The first hour').replace(/\\\n\s*/g, ' ');
  expect(command).toMatch(/ npm start\s*$/);
  return Object.fromEntries([...command.matchAll(/([A-Z_]+)=(\S+)/g)].map((m) => [m[1], m[2]]));
}

let rt: Runtime;
beforeAll(async () => {
  rt = await startRuntime(startSettings());
});
afterAll(() => rt?.stop());

describe("the README's first hour", () => {
  it('runs as written against a fresh server and ends with two voters', () => {
    const script = blockAfter('<!-- walkthrough');
    expect(script).toContain('R=http://127.0.0.1:8080');
    // The only change: the server's address (tests never take port 8080).
    const out = execFileSync('bash', ['-euo', 'pipefail', '-c', script.replace('http://127.0.0.1:8080', rt.url)], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(out).toContain('"message":"Roster initialized"');
    expect(out).toMatch(/"suffrage":"nonvoter","isLeader":false,"leaderNodeId":1/);
    expect(out).toMatch(/"holder":2,"fencingToken":\d+/);
    expect(out).toMatch(/draining\n\{"result":\{"message":"Lease released"\}\}drained\n/);
    expect(out).toContain('"message":"Cluster member resumed"');
    expect(out).toContain('"message":"Cluster member promoted to voter"');
    expect(out).toContain('"message":"Cluster member removed"');
    const autopilot = JSON.parse(out.slice(out.lastIndexOf('{"result":{"healthy"')));
    expect(autopilot.result).toMatchObject({ healthy: true, leaderNodeId: 1, voters: [1, 2] });
  });
});
