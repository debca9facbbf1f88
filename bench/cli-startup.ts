import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function timeRun(args: string[]): number {
  const t = performance.now();
  const run = spawnSync(process.execPath, args, { stdio: 'ignore' });
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} exited ${run.status}`);
  return performance.now() - t;
}

/**
 * `node dist/cli/rosterctl.mjs --version` against a bare `node -e 0`, interleaved so both
 * see the same machine, medians of `runs`; and the size of roster/agent's bundle.
 */
export function cliStartup(dist: string, runs = 15) {
  const cli = join(dist, 'cli', 'rosterctl.mjs');
  const node: number[] = [];
  const version: number[] = [];
  for (let i = 0; i < runs; i++) {
    node.push(timeRun(['-e', '0']));
    version.push(timeRun([cli, '--version']));
  }
  const agentBytes = (JSON.parse(readFileSync(join(dist, 'agent', 'size.json'), 'utf8')) as { bytes: number }).bytes;
  return { nodeMs: median(node), versionMs: median(version), agentKb: agentBytes / 1024 };
}
