/**
 * Cold start: each function's bundle size, and the time a fresh Node process takes to
 * import it, as a ratio to a bare `node -e 0` and to a bundle holding only the DynamoDB
 * client. Each figure is the median of several fresh processes, all taken in one run.
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface ColdStartRow {
  fn: string;
  kb: number;
  importMs: number;
  vsNode: number;
  vsBaseline: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Wall time of a fresh `node` running `args`, median of `runs`. */
function nodeWallMs(args: string[], runs: number, env: NodeJS.ProcessEnv): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    execFileSync(process.execPath, args, { env, stdio: 'ignore' });
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** Time to import a module in a fresh process, measured inside it, median of `runs`. */
function importMs(file: string, runs: number, env: NodeJS.ProcessEnv): number {
  const script = `const t0 = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(performance.now() - t0);`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    times.push(Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { env }).toString().trim()));
  }
  return median(times);
}

async function baselineBundle(dir: string): Promise<string> {
  const entry = join(dir, 'baseline-entry.mjs');
  writeFileSync(entry, "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const client = new DynamoDBClient({});\n");
  const out = join(dir, 'baseline.mjs');
  await build({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    mainFields: ['module', 'main'],
    nodePaths: [join(process.cwd(), 'node_modules')],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  return out;
}

export async function coldStart(
  functionsDir: string,
  scratch: string,
  runs = 7,
): Promise<{ nodeMs: number; baselineMs: number; baselineKb: number; rows: ColdStartRow[] }> {
  const env = {
    ...process.env,
    TOKEN_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    NODE_NO_WARNINGS: '1',
  };
  const nodeMs = nodeWallMs(['-e', '0'], runs, env);
  const baseline = await baselineBundle(scratch);
  const baselineMs = importMs(baseline, runs, env);
  const rows = readdirSync(functionsDir)
    .filter((f) => f.endsWith('.mjs'))
    .sort()
    .map((file) => {
      const path = join(functionsDir, file);
      const ms = importMs(path, runs, env);
      return {
        fn: file.replace(/\.mjs$/, ''),
        kb: statSync(path).size / 1024,
        importMs: ms,
        vsNode: ms / nodeMs,
        vsBaseline: ms / baselineMs,
      };
    });
  return { nodeMs, baselineMs, baselineKb: statSync(baseline).size / 1024, rows };
}
