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
import { startDynamoLocal } from '../infra/local/dynamodb';
import { silenceSdkNodeVersionNotice } from '../infra/local/quiet';
import { superviseRuntime } from '../infra/local/supervise';
import { accessToken } from '../test/support/auth';
import { cliStartup } from './cli-startup';
import { coldStart } from './cold-start';
import { chromiumInstalled, measureConsole } from './console';
import { ADMIN, calls, measureCosts, opsOf } from './cost';
import { findEtcd, startEtcd, etcdOps } from './etcd';
import { clients, joinNodes } from './fixture';
import { measure } from './load';
import { measureOverhead } from './overhead';
import { printPrices } from './pricing-report';
import { measureScale, type Cost, type ScaleRow } from './scale';

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
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const CELL_MS = Number(process.env.BENCH_CELL_MS ?? 3_000);
const SCALE = (process.env.BENCH_SCALE ?? '10,1000,10000').split(',').map(Number);
/** `BENCH_SECTIONS=2,3` runs only those sections (while iterating); the verdict then covers only them. */
const SECTIONS = new Set((process.env.BENCH_SECTIONS ?? '1,2,3,4,5,6').split(',').map(Number));

async function main(): Promise<void> {
  mkdirSync(join(root, '.roster'), { recursive: true });
  const scratch = mkdtempSync(join(root, '.roster', 'bench-'));
  try {
    const dist = join(scratch, 'dist');
    await buildAll(dist);

    if (SECTIONS.has(1)) {
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

      const cli = cliStartup(dist);
      results.cli = cli;
      table(
        '1b. rosterctl and roster/agent',
        ['what', 'figure'],
        [
          ['node -e 0 (ms, median)', cli.nodeMs.toFixed(1)],
          ['rosterctl --version (ms, median)', cli.versionMs.toFixed(1)],
          ['roster/agent bundle (KB)', cli.agentKb.toFixed(1)],
        ],
      );
      const extra = cli.versionMs - cli.nodeMs;
      judge('rosterctl --version within 60 ms of node -e 0', `${extra.toFixed(1)} ms more`, extra <= 60);
    }

    silenceSdkNodeVersionNotice();
    const dynamo = await startDynamoLocal(null);
    try {
      const benchTable = 'bench';
      const settings = {
        DYNAMODB_ENDPOINT: dynamo.endpoint,
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        ROSTER_WATCHER_INTERVAL_SECONDS: '3600',
        MAX_LEASES_PER_NODE: '100000',
      };
      const rt = await superviseRuntime(dist, { ...settings, TABLE_NAME: benchTable });
      try {
        const cluster = await clients(rt);

        // 2. Cost per operation
        if (SECTIONS.has(2)) {
          const costs = await measureCosts(rt, cluster, dist, settings);
          results.costs = costs;
          table(
            '2. DynamoDB calls (and Step Functions calls) per operation, counted at the SDK: cold (first call in a fresh container) and warm',
            ['operation', 'status', 'cold', 'warm', 'warm calls by operation', 'RCU', 'WCU', 'minimum'],
            costs.map((c) => [
              c.op,
              c.status,
              calls(c.cold),
              calls(c.warm),
              opsOf(c.warm),
              fmt(c.warm?.dynamodb.rcu ?? NaN),
              fmt(c.warm?.dynamodb.wcu ?? NaN),
              c.minimum,
            ]),
          );
          for (const c of costs) {
            const cold = c.cold && calls(c.cold) !== calls(c.warm) ? ` (cold: ${calls(c.cold)})` : '';
            const measured = c.warm ? `${calls(c.warm)} calls warm${cold}` : `not measured (HTTP ${c.status})`;
            judge(`${c.op}: ${c.minimum}`, measured, c.meetsMinimum === true);
            if (c.target) judge(`${c.op}: ${c.target} (the issue's minimum)`, measured, c.meetsTarget === true);
          }
          results.prices = printPrices(costs, table, judge);
        }

        // 3. Overhead against the raw store
        const nodes = SECTIONS.has(3) || SECTIONS.has(4) ? await joinNodes(cluster, 1, 64) : [];
        const leases: { nodeId: number; name: string; token: number }[] = [];
        for (const { nodeId, node } of nodes) {
          const answer = await node.put(`/api/v1/leases/bench-${nodeId}`, { ttlSeconds: 3600 });
          leases.push({ nodeId, name: `bench-${nodeId}`, token: answer.body.result.fencingToken as number });
        }
        const overhead = !SECTIONS.has(3)
          ? []
          : await measureOverhead({
              endpoint: dynamo.endpoint,
              table: benchTable,
              url: rt.url,
              readerToken: await accessToken(rt, 'readonly'),
              nodes,
              leases,
              concurrencies: [1, 16, 64],
              cellMs: CELL_MS,
            });
        if (SECTIONS.has(3)) results.overhead = overhead;
        if (SECTIONS.has(3))
          table(
            `3. Through the local HTTP runtime against the raw store (${CELL_MS / 1000} s per cell)`,
            ['operation', 'clients', 'http ops/s', 'p50 ms', 'p99 ms', 'raw ops/s', 'p50 ms', 'p99 ms', 'http/raw'],
            overhead.map((o) => [
              o.op,
              o.concurrency,
              fmt(o.http.throughput, 0),
              fmt(o.http.p50),
              fmt(o.http.p99),
              fmt(o.raw.throughput, 0),
              fmt(o.raw.p50),
              fmt(o.raw.p99),
              fmt(o.ratio, 2),
            ]),
          );
        for (const o of overhead) {
          if (o.http.firstError || o.raw.firstError)
            console.log(`  ${o.op} ×${o.concurrency}: http ${o.http.firstError ?? 'ok'}; raw ${o.raw.firstError ?? 'ok'}`);
        }
        for (const op of ['heartbeat', 'lease renew']) {
          const row = overhead.find((o) => o.op === op && o.concurrency === 16);
          if (row) judge(`${op} through HTTP ≥ 0.8× the raw store at 16 clients`, `${fmt(row.ratio, 2)}×`, row.ratio >= 0.8);
        }

        // 4. Against etcd
        const bin = findEtcd();
        if (!SECTIONS.has(4)) {
          // not asked for
        } else if (!bin) {
          console.log(
            "\n4. Against etcd: Debian's etcd-server is not installed (apt-get install etcd-server), so this section is skipped.",
          );
          results.etcd = { skipped: 'etcd-server not installed' };
        } else {
          const etcd = await startEtcd(bin);
          try {
            const ops = etcdOps(etcd);
            const ids = await Promise.all(Array.from({ length: 16 }, () => ops.grant()));
            let fresh = 0;
            const rows = [
              [
                'lease grant / acquire',
                await measure(16, CELL_MS, () => ops.grant()),
                await measure(16, CELL_MS, async (c) => {
                  const answer = await nodes[c]!.node.put(`/api/v1/leases/fresh-${c}-${fresh++}`, { ttlSeconds: 60 });
                  if (answer.status !== 200) throw new Error(String(answer.status));
                }),
              ],
              [
                'lease keepalive / renew',
                await measure(16, CELL_MS, (c) => ops.keepalive(ids[c]!)),
                await measure(16, CELL_MS, async (c) => {
                  const l = leases[c]!;
                  const answer = await nodes[c]!.node.put(`/api/v1/leases/${l.name}`, { ttlSeconds: 3600, fencingToken: l.token });
                  if (answer.status !== 200) throw new Error(String(answer.status));
                }),
              ],
              [
                'member list',
                await measure(16, CELL_MS, () => ops.memberList()),
                await measure(16, CELL_MS, async () => {
                  const answer = await cluster.readonly.get('/api/v1/cluster/members');
                  if (answer.status !== 200) throw new Error(String(answer.status));
                }),
              ],
            ] as const;
            results.etcd = { version: etcd.version, rows };
            table(
              `4. Against ${etcd.version} on loopback (HTTP/JSON gateway), 16 clients`,
              ['operation', 'etcd ops/s', 'p50 ms', 'roster ops/s', 'p50 ms', 'roster/etcd'],
              rows.map(([op, e, r]) => [
                op,
                fmt(e.throughput, 0),
                fmt(e.p50),
                fmt(r.throughput, 0),
                fmt(r.p50),
                fmt(r.throughput / e.throughput, 2),
              ]),
            );
          } finally {
            await etcd.stop();
          }
        }
      } finally {
        await rt.stop();
      }

      // 5. Scale
      const scale = SECTIONS.has(5) ? await measureScale(dist, dynamo.endpoint, SCALE) : [];
      if (SECTIONS.has(5)) results.scale = scale;
      if (SECTIONS.has(5)) {
        const ops = (c?: Cost) =>
          c
            ? Object.entries(c.ops)
                .map(([op, n]) => `${op.replace(/Items?$/, '')} ${n}`)
                .join(', ') || '-'
            : '-';
        table(
          '5. Scale: one page (100) of members, autopilot and one watcher pass, by cluster size (calls by operation)',
          ['members', 'page ms', 'page calls', 'autopilot ms', 'autopilot calls', 'watcher ms', 'watcher calls'],
          scale.map((r) => [
            r.members,
            fmt(r.page.ms),
            ops(r.page),
            fmt(r.autopilot?.ms ?? NaN),
            ops(r.autopilot),
            fmt(r.watcher?.ms ?? NaN),
            ops(r.watcher),
          ]),
        );
        const [small, large] = [scale[0], scale[scale.length - 1]];
        if (small && large) {
          judge(
            `a page of members costs the same at ${small.members} and ${large.members} members`,
            `${small.page.calls} vs ${large.page.calls} calls, ${fmt(small.page.ms)} vs ${fmt(large.page.ms)} ms`,
            small.page.calls === large.page.calls,
          );
          // One Query stream (its pages grow with the members, about 1 MB each), the cluster item, no Scan.
          const streamOnly = (c?: Cost) => c !== undefined && !c.ops.Scan && (c.ops.GetItem ?? 0) <= 1 && (c.ops.Query ?? 0) >= 1;
          for (const [what, of] of [
            ['autopilot', (r: ScaleRow) => r.autopilot],
            ['one watcher pass', (r: ScaleRow) => r.watcher],
          ] as const) {
            const [a, b] = [of(small), of(large)];
            judge(
              `${what} reads the members in one Query stream, no Scan`,
              a && b
                ? `${a.ops.Query ?? 0} Query pages at ${small.members} members, ${b.ops.Query ?? 0} at ${large.members}; ${fmt(a.ms)} vs ${fmt(b.ms)} ms`
                : 'not measured',
              streamOnly(a) && streamOnly(b),
            );
          }
        }
      }

      // 6. The console
      if (!SECTIONS.has(6)) {
        // not asked for
      } else if (!chromiumInstalled()) {
        console.log("\n6. The console: Debian's chromium is not installed (apt-get install chromium), so this section is skipped.");
        results.console = { skipped: 'chromium not installed' };
      } else {
        const ui = await measureConsole(dist, dynamo.endpoint);
        results.console = ui;
        table(
          `6. The console: its JavaScript, and the members page (${ui.members} members) through the local runtime in headless Chromium`,
          ['what', 'figure'],
          [
            ['JavaScript (KB, minified)', ui.jsKb.toFixed(1)],
            ['JavaScript (KB, gzipped)', ui.jsGzipKb.toFixed(1)],
            ['first render, nothing cached (ms)', ui.firstMs.toFixed(0)],
            [`first render after a reload (ms, median of ${ui.reloads})`, ui.reloadMedianMs.toFixed(0)],
          ],
        );
        judge('the console ≤ 150 KB of JavaScript gzipped', `${ui.jsGzipKb.toFixed(1)} KB`, ui.jsGzipKb <= 150);
        judge(
          'members page first render < 1 s through npm start',
          `${ui.firstMs.toFixed(0)} ms uncached, ${ui.reloadMedianMs.toFixed(0)} ms reloaded`,
          Math.max(ui.firstMs, ui.reloadMedianMs) < 1000,
        );
      }
    } finally {
      await dynamo.stop();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  console.log('\nVerdict');
  for (const v of verdicts) console.log(`  ${v.pass ? 'PASS' : 'MISS'}  ${v.target}: ${v.measured}`);
  // A partial run (BENCH_SECTIONS) never replaces the full results.
  const file = SECTIONS.size === 6 ? join(root, 'bench', 'results.json') : join(root, '.roster', 'bench-partial.json');
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
