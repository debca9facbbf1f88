/**
 * `npm run bench`: builds the bundles, measures, prints one table per section with each
 * target beside its figure and a verdict, and writes bench/results.json. Every figure
 * comes from this one run, so ratios hold on a noisy machine. See README "Benchmarks".
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAll } from '../infra/build';
import { coldStart } from './cold-start';

const root = fileURLToPath(new URL('..', import.meta.url));
const BUDGET_MS = Number(process.env.BENCH_BUDGET_SECONDS ?? 600) * 1000;
const started = Date.now();

interface Verdict {
  target: string;
  measured: string;
  pass: boolean;
}
const verdicts: Verdict[] = [];
const results: Record<string, unknown> = {};

function table(title: string, header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  console.log(`\n${title}`);
  for (const [i, r] of cells.entries()) {
    console.log(`  ${r.map((c, j) => (j === 0 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  ')}`);
    if (i === 0) console.log(`  ${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  }
}

const judge = (target: string, measured: string, pass: boolean) => verdicts.push({ target, measured, pass });

async function main(): Promise<void> {
  mkdirSync(join(root, '.roster'), { recursive: true });
  const scratch = mkdtempSync(join(root, '.roster', 'bench-'));
  try {
    const dist = join(scratch, 'dist');
    await buildAll(dist);

    const cold = await coldStart(join(dist, 'functions'), scratch);
    results.coldStart = cold;
    table(
      `1. Cold start (node -e 0: ${cold.nodeMs.toFixed(1)} ms; DynamoDB-client-only bundle: ${cold.baselineKb.toFixed(0)} KB, import ${cold.baselineMs.toFixed(1)} ms)`,
      ['function', 'KB', 'import ms', '× node -e 0', '× baseline'],
      cold.rows.map((r) => [r.fn, r.kb.toFixed(1), r.importMs.toFixed(1), r.vsNode.toFixed(2), r.vsBaseline.toFixed(2)]),
    );
    const biggest = cold.rows.reduce((a, b) => (b.kb > a.kb ? b : a));
    const slowest = cold.rows.reduce((a, b) => (b.vsNode > a.vsNode ? b : a));
    judge('every bundle ≤ 400 KB (aim 250 KB)', `largest ${biggest.fn} ${biggest.kb.toFixed(0)} KB`, biggest.kb <= 400);
    judge('cold import ≤ 0.8× node -e 0', `slowest ${slowest.fn} ${slowest.vsNode.toFixed(2)}×`, slowest.vsNode <= 0.8);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  console.log('\nVerdict');
  for (const v of verdicts) console.log(`  ${v.pass ? 'PASS' : 'MISS'}  ${v.target}: ${v.measured}`);
  const file = join(root, 'bench', 'results.json');
  writeFileSync(
    file,
    JSON.stringify(
      {
        generatedAt: new Date().toISOString(),
        machine: { cpus: cpus().length, node: process.version },
        elapsedMs: Date.now() - started,
        budgetMs: BUDGET_MS,
        results,
        verdicts,
      },
      null,
      2,
    ),
  );
  console.log(`\nwrote ${file} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

await main();
