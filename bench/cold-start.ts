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
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deployedRoutes } from '../lib/http/routes';
import { bundleBaseline } from '../infra/build';

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
const MARK = 'ROSTER_COLD ';

/** The child: import, then (given an event) invoke once; print the figures on one marked line. */
const childScript = (file: string, event: unknown) => `
const t0 = performance.now();
const m = await import(${JSON.stringify(pathToFileURL(file).href)});
const t1 = performance.now();
let status;
const event = ${JSON.stringify(event ?? null)};
if (event) {
  const ctx = { functionName: 'cold', awsRequestId: 'cold-' + process.pid, getRemainingTimeInMillis: () => 10000, callbackWaitsForEmptyEventLoop: false };
  const answer = await m.handler(event, ctx);
  status = answer && typeof answer === 'object' && 'statusCode' in answer ? answer.statusCode : 200;
  if (status >= 400) console.error(${JSON.stringify(MARK)} + answer.body);
}
const t2 = performance.now();
console.log(${JSON.stringify(MARK)} + JSON.stringify({ importMs: t1 - t0, firstMs: event ? t2 : undefined, status }));
process.exit(0);
`;

function runChild(file: string, event: unknown, env: NodeJS.ProcessEnv): { importMs: number; firstMs?: number; status?: number } {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', childScript(file, event)], {
    env,
    maxBuffer: 1 << 24,
    stdio: ['ignore', 'pipe', process.env.BENCH_COLD_DEBUG ? 'inherit' : 'ignore'],
  }).toString();
  const line = out.split('\n').find((l) => l.startsWith(MARK));
  if (!line) throw new Error(`${file}: no figures in its output:\n${out.slice(-2000)}`);
  return JSON.parse(line.slice(MARK.length)) as { importMs: number; firstMs?: number; status?: number };
}

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
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name]!));
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
  const now = new Date();
  return {
    version: '2.0',
    routeKey: `${route.method} ${route.path}`,
    rawPath: path,
    rawQueryString: query ? new URLSearchParams(query).toString() : '',
    headers: {
      host: 'cold.local',
      'x-forwarded-proto': 'https',
      ...(authorization ? { authorization } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(query ? { queryStringParameters: query } : {}),
    ...(Object.keys(params).length ? { pathParameters: params } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: 'cold.local',
      domainPrefix: 'cold',
      http: { method: route.method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: `cold-${fn}`,
      routeKey: `${route.method} ${route.path}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
    isBase64Encoded: false,
  };
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
  const base: { importMs: number; firstMs?: number }[] = [];
  const samples = files.map(() => [] as { importMs: number; firstMs?: number; status?: number }[]);
  for (let round = 0; round < runs; round++) {
    const token = await fx.adminToken();
    // The baseline first in one round, last in the next: neither end of a round favours it.
    if (round % 2 === 0) base.push(runChild(baseline, {}, env));
    files.forEach((file, i) => samples[i]!.push(runChild(join(functionsDir, file), eventFor(file.replace(/\.mjs$/, ''), fx, token), env)));
    if (round % 2 === 1) base.push(runChild(baseline, {}, env));
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
