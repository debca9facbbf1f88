/**
 * A Lambda execution environment, as near as this machine gets: a fresh Node process that
 * imports one function's bundle and invokes its handler with API Gateway's event, one
 * invocation at a time, as Lambda does. Section 1 times its first answer (cold start);
 * section 2 keeps it serving until the JIT has settled and reads the CPU each invocation
 * spends there (process.cpuUsage() around the handler), which is what Lambda bills a warm
 * container for beside its waits on DynamoDB.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** A route's invocation as API Gateway (HTTP API, payload 2.0) hands it over. */
export function gatewayEvent(
  route: { method: string; path: string },
  input: { params?: Record<string, string>; headers?: Record<string, string>; query?: Record<string, string>; body?: unknown } = {},
) {
  const params = input.params ?? {};
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
  const now = new Date();
  return {
    version: '2.0',
    routeKey: `${route.method} ${route.path}`,
    rawPath: path,
    rawQueryString: input.query ? new URLSearchParams(input.query).toString() : '',
    headers: {
      host: 'bench.local',
      'x-forwarded-proto': 'https',
      ...(input.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...input.headers,
    },
    ...(input.query ? { queryStringParameters: input.query } : {}),
    ...(Object.keys(params).length ? { pathParameters: params } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: 'bench.local',
      domainPrefix: 'bench',
      http: { method: route.method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: `bench-${route.method}-${path}`,
      routeKey: `${route.method} ${route.path}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(input.body !== undefined ? { body: JSON.stringify(input.body) } : {}),
    isBase64Encoded: false,
  };
}

/** How long a steady-state measurement runs: warm-up, then the sampled invocations, each bounded by calls and time. */
export interface Steady {
  warmCalls: number;
  warmMs: number;
  sampleCalls: number;
  sampleMs: number;
}

export interface EnvironmentRun {
  /** Import alone, measured inside the fresh process. */
  importMs: number;
  /** Process start to the first answer (undefined without an event). */
  firstMs?: number;
  /** The first answer's status. */
  status?: number;
  /** With `steady`: the invocations sampled and their mean CPU (user + system, ms) after the warm-up, and the process's peak memory. */
  steady?: { calls: number; cpuMs: number; warmedCalls: number; maxRssMb: number };
}

const MARK = 'ROSTER_ENVIRONMENT ';

/** The child: import, invoke once (given an event), then (given `steady`) keep invoking; figures on one marked line. */
const childScript = (file: string, event: unknown, steady?: Steady) => `
const t0 = performance.now();
const m = await import(${JSON.stringify(pathToFileURL(file).href)});
const t1 = performance.now();
const event = ${JSON.stringify(event ?? null)};
const steady = ${JSON.stringify(steady ?? null)};
let n = 0;
const invoke = async () => {
  const ctx = { functionName: 'bench', awsRequestId: 'bench-' + process.pid + '-' + n++, getRemainingTimeInMillis: () => 10000, callbackWaitsForEmptyEventLoop: false };
  const answer = await m.handler(event, ctx);
  const status = answer && typeof answer === 'object' && 'statusCode' in answer ? answer.statusCode : 200;
  if (status >= 400) console.error(${JSON.stringify(MARK)} + answer.body);
  return status;
};
const status = event ? await invoke() : undefined;
const t2 = performance.now();
let result;
if (event && steady) {
  let warmed = 0;
  for (const until = performance.now() + steady.warmMs; warmed < steady.warmCalls && performance.now() < until; warmed++) await invoke();
  let calls = 0, cpu = 0;
  for (const until = performance.now() + steady.sampleMs; calls < steady.sampleCalls && (calls < 5 || performance.now() < until); calls++) {
    const before = process.cpuUsage();
    if ((await invoke()) >= 400) process.exit(3);
    const spent = process.cpuUsage(before);
    cpu += (spent.user + spent.system) / 1000;
  }
  // Lambda ends an environment whose memory passes its size: the peak after thousands of calls is what must fit.
  result = { calls, cpuMs: cpu / calls, warmedCalls: warmed, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}
console.log(${JSON.stringify(MARK)} + JSON.stringify({ importMs: t1 - t0, firstMs: event ? t2 : undefined, status, steady: result }));
process.exit(0);
`;

/** Runs one environment of the bundle `file` to the end and returns its figures. */
export function runEnvironment(file: string, env: NodeJS.ProcessEnv, event?: unknown, steady?: Steady): Promise<EnvironmentRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', childScript(file, event, steady)], {
      env,
      stdio: ['ignore', 'pipe', process.env.BENCH_COLD_DEBUG ? 'inherit' : 'ignore'],
    });
    let out = '';
    // Only the marked line matters; the function's own log lines are dropped as they come.
    child.stdout.on('data', (chunk: Buffer) => {
      out = (out + chunk.toString()).split('\n').slice(-2).join('\n');
      if (out.includes(MARK)) out = out.slice(out.indexOf(MARK));
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(MARK));
      if (code !== 0 || !line) reject(new Error(`${file}: exited ${code} without its figures:\n${out.slice(-2000)}`));
      else resolve(JSON.parse(line.slice(MARK.length)) as EnvironmentRun);
    });
  });
}

/** The settings serverless.yml gives every function as plain values (not references into the stack). */
export function deployedSettings(): Record<string, string> {
  const yml = readFileSync(new URL('../serverless.yml', import.meta.url), 'utf8');
  const block = /^ {2}environment:\n((?: {4}.*\n)+)/m.exec(yml)?.[1] ?? '';
  return Object.fromEntries([...block.matchAll(/^ {4}(\w+): '?([^'${}\n]+?)'?$/gm)].map((m) => [m[1]!, m[2]!]));
}
