/**
 * Cold start: each function's bundle size, and the time a fresh Node process takes to
 * import it, as a ratio to a bare `node -e 0` and to a bundle holding only the DynamoDB
 * client. Each figure is the median of several fresh processes, all taken in one run, in
 * rounds: each round runs `node -e 0`, the baseline and every bundle once, so a burst of
 * other work on the machine touches every figure alike instead of one bundle's runs.
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

/** Wall time of one fresh `node` running `args`. */
function nodeWallMs(args: string[], env: NodeJS.ProcessEnv): number {
  const t0 = performance.now();
  execFileSync(process.execPath, args, { env, stdio: 'ignore' });
  return performance.now() - t0;
}

/** Time one fresh process takes to import a module, measured inside it. */
function importMs(file: string, env: NodeJS.ProcessEnv): number {
  const script = `const t0 = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(performance.now() - t0);`;
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { env }).toString().trim());
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
  const baseline = await baselineBundle(scratch);
  const files = readdirSync(functionsDir)
    .filter((f) => f.endsWith('.mjs'))
    .sort();
  const samples = { node: [] as number[], baseline: [] as number[], files: files.map(() => [] as number[]) };
  for (let round = 0; round < runs; round++) {
    samples.node.push(nodeWallMs(['-e', '0'], env));
    samples.baseline.push(importMs(baseline, env));
    files.forEach((file, i) => samples.files[i]!.push(importMs(join(functionsDir, file), env)));
  }
  const nodeMs = median(samples.node);
  const baselineMs = median(samples.baseline);
  const rows = files.map((file, i) => {
    const ms = median(samples.files[i]!);
    return {
      fn: file.replace(/\.mjs$/, ''),
      kb: statSync(join(functionsDir, file)).size / 1024,
      importMs: ms,
      vsNode: ms / nodeMs,
      vsBaseline: ms / baselineMs,
    };
  });
  return { nodeMs, baselineMs, baselineKb: statSync(baseline).size / 1024, rows };
}
