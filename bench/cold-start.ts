/**
 * Cold start as a user pays it: a fresh Node process imports one function's bundle and
 * serves one real authenticated request against DynamoDB Local (the node routes with a
 * joined node's credential, every other route with an admin's access token, whose session
 * is read), beside a DynamoDB-only function built the same way that serves one GetItem.
 * Both figures are the time from the process's start (performance.now() in it) to the
 * answer: a fresh process against a fresh process. Each figure is the median of several
 * processes, taken in rounds (the baseline and every bundle once a round), so a burst of
 * other work on the machine touches every figure alike instead of one bundle's runs.
 * Task functions (no HTTP route) are imported only: their one event is a whole job.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { deployedRoutes } from '../lib/http/routes';
import { bundleBaseline } from '../infra/build';
import { gatewayEvent, runEnvironment, type EnvironmentRun } from './environment';

export interface ColdStartRow {
  fn: string;
  kb: number;
  /** Import alone, measured inside the fresh process. */
  importMs: number;
  /** Process start to the first answer (import and the first request); undefined for tasks. */
  firstMs?: number;
  /** The first request's status (a node route's is a success; others may be a 4xx past authentication). */
  status?: number;
  /** firstMs (or, for tasks, import) against the baseline's same figure. */
  vsBaseline: number;
  /** Bundle size over the baseline's, in KB. */
  overKb: number;
}

export interface ColdStart {
  baselineKb: number;
  baselineImportMs: number;
  /** Process start to the baseline's GetItem answer. */
  baselineFirstMs: number;
  rows: ColdStartRow[];
}

/** What the cold-start request of a node route acts on: a joined node and a lease it holds. */
export interface ColdStartFixture {
  env: Record<string, string>;
  /** A fresh admin access token (its own session): one a round, since the logout routes end theirs. */
  adminToken: () => Promise<string>;
  node: { id: number; token: string };
  lease: { name: string; fencingToken: number };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A DynamoDB-only function: one GetItem, bundled with the very options the functions are (infra/build.ts). */
async function baselineBundle(dir: string): Promise<string> {
  const out = join(dir, 'baseline.mjs');
  await bundleBaseline(out);
  return out;
}

/** The one request a fresh container of `fn` serves: its route, a caller of its access, a plausible body. */
function eventFor(fn: string, fx: ColdStartFixture, adminToken: string): unknown {
  const route = deployedRoutes.find((r) => r.fn === fn);
  if (!route) return undefined;
  const isNode = route.access !== 'public' && (route.access as readonly string[]).includes('node') && route.access.length === 1;
  // Node routes act on the fixture's node and lease; the others on ids that name nothing (a 404 after authentication).
  const params: Record<string, string> = {};
  for (const [, name] of route.path.matchAll(/\{(\w+)\}/g)) {
    params[name!] = isNode ? (name === 'id' ? String(fx.node.id) : fx.lease.name) : name === 'email' ? 'nobody@roster.test' : '424242';
  }
  const body =
    fn === 'lease-put'
      ? { ttlSeconds: 600, fencingToken: fx.lease.fencingToken }
      : fn === 'member-heartbeat'
        ? undefined
        : route.body
          ? {}
          : undefined;
  const authorization = route.access === 'public' ? undefined : `Bearer ${isNode ? fx.node.token : adminToken}`;
  const query = fn === 'lease-release' ? { fencingToken: String(fx.lease.fencingToken + 1_000_000) } : undefined;
  return gatewayEvent(route, {
    params,
    headers: authorization ? { authorization } : {},
    ...(query ? { query } : {}),
    ...(body ? { body } : {}),
  });
}

export async function coldStart(functionsDir: string, scratch: string, fx: ColdStartFixture, runs = 5): Promise<ColdStart> {
  const env = {
    ...process.env,
    ...fx.env,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    NODE_NO_WARNINGS: '1',
    ROSTER_METRICS: '',
  };
  const baseline = await baselineBundle(scratch);
  /** `BENCH_COLD_FNS=heartbeat|lease` while iterating: only the functions it matches. */
  const only = process.env.BENCH_COLD_FNS ? new RegExp(process.env.BENCH_COLD_FNS) : undefined;
  // The logout routes end the round's session: they run last in it.
  const ends = (f: string) => /logout/.test(f);
  const files = readdirSync(functionsDir)
    .filter((f) => f.endsWith('.mjs') && (!only || only.test(f)))
    .sort((a, b) => Number(ends(a)) - Number(ends(b)) || a.localeCompare(b));
  const serves = files.map((f) => eventFor(f.replace(/\.mjs$/, ''), fx, 'x') !== undefined);
  const base: EnvironmentRun[] = [];
  const samples = files.map(() => [] as EnvironmentRun[]);
  for (let round = 0; round < runs; round++) {
    const token = await fx.adminToken();
    // The baseline first in one round, last in the next: neither end of a round favours it.
    if (round % 2 === 0) base.push(await runEnvironment(baseline, env, {}));
    for (const [i, file] of files.entries())
      samples[i]!.push(await runEnvironment(join(functionsDir, file), env, eventFor(file.replace(/\.mjs$/, ''), fx, token)));
    if (round % 2 === 1) base.push(await runEnvironment(baseline, env, {}));
  }
  const baselineKb = statSync(baseline).size / 1024;
  const baselineImportMs = median(base.map((b) => b.importMs));
  const baselineFirstMs = median(base.map((b) => b.firstMs!));
  const rows = files.map((file, i): ColdStartRow => {
    const s = samples[i]!;
    const kb = statSync(join(functionsDir, file)).size / 1024;
    const importMs = median(s.map((x) => x.importMs));
    const firstMs = serves[i] ? median(s.map((x) => x.firstMs!)) : undefined;
    return {
      fn: file.replace(/\.mjs$/, ''),
      kb,
      importMs,
      firstMs,
      status: s[s.length - 1]!.status,
      vsBaseline: firstMs !== undefined ? firstMs / baselineFirstMs : importMs / baselineImportMs,
      overKb: kb - baselineKb,
    };
  });
  return { baselineKb, baselineImportMs, baselineFirstMs, rows: rows.sort((a, b) => a.fn.localeCompare(b.fn)) };
}
