import { Agent, request, type IncomingMessage } from 'node:http';

/**
 * Closed-loop load: `concurrency` clients each issue `op` back to back for `durationMs`.
 * Throughput counts successes only; latencies are of successful calls. A cell never runs
 * longer than its duration plus the slowest call in flight.
 */
export interface Cell {
  concurrency: number;
  ops: number;
  errors: number;
  throughput: number;
  p50: number;
  p99: number;
  /** The first failure, so a cell that measured nothing says why. */
  firstError?: string;
  /** CPU milliseconds per successful operation of the process the cell's probe watched. */
  cpuMsPerOp?: number;
}

/** A process's CPU time so far, in milliseconds (user + system). */
export type CpuProbe = () => Promise<number>;
export const ownCpu: CpuProbe = async () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]! : NaN;

interface Run {
  latencies: number[];
  errors: number;
  elapsedMs: number;
  firstError?: string;
  cpuMs?: number;
}

async function run(concurrency: number, durationMs: number, op: (client: number, i: number) => Promise<unknown>): Promise<Run> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const until = started + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, client) => {
      for (let i = 0; performance.now() < until; i++) {
        const t0 = performance.now();
        try {
          await op(client, i);
          latencies.push(performance.now() - t0);
        } catch (err) {
          errors++;
          firstError ??= err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        }
      }
    }),
  );
  return { latencies, errors, elapsedMs: performance.now() - started, firstError };
}

function cell(concurrency: number, runs: Run[]): Cell {
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const elapsed = runs.reduce((t, r) => t + r.elapsedMs, 0) / 1000;
  const cpuMs = runs.every((r) => r.cpuMs !== undefined) ? runs.reduce((t, r) => t + r.cpuMs!, 0) : undefined;
  return {
    ...(cpuMs !== undefined && latencies.length ? { cpuMsPerOp: cpuMs / latencies.length } : {}),
    concurrency,
    ops: latencies.length,
    errors: runs.reduce((n, r) => n + r.errors, 0),
    throughput: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    ...(runs.find((r) => r.firstError) ? { firstError: runs.find((r) => r.firstError)!.firstError } : {}),
  };
}

export async function measure(concurrency: number, durationMs: number, op: (client: number, i: number) => Promise<unknown>): Promise<Cell> {
  return cell(concurrency, [await run(concurrency, durationMs, op)]);
}

/**
 * Two ways of doing one thing, measured in alternating slices of the same total time, so
 * that a change in the machine's other load while they run weighs on both alike.
 */
export async function measurePair(
  concurrency: number,
  durationMs: number,
  slices: number,
  a: (client: number, i: number) => Promise<unknown>,
  b: (client: number, i: number) => Promise<unknown>,
  cpu: { a?: CpuProbe; b?: CpuProbe } = {},
): Promise<[Cell, Cell]> {
  const runsA: Run[] = [];
  const runsB: Run[] = [];
  const timed = async (op: (client: number, i: number) => Promise<unknown>, probe?: CpuProbe): Promise<Run> => {
    const before = await probe?.();
    const r = await run(concurrency, durationMs / slices, op);
    return probe ? { ...r, cpuMs: (await probe()) - before! } : r;
  };
  for (let s = 0; s < slices; s++) {
    runsA.push(await timed(a, cpu.a));
    runsB.push(await timed(b, cpu.b));
  }
  return [cell(concurrency, runsA), cell(concurrency, runsB)];
}

/** An HTTP call that fails unless the status is the expected one (so errors are counted, not timed). */
export async function expectStatus(url: string, init: RequestInit, status: number): Promise<void> {
  const res = await fetch(url, init);
  await res.arrayBuffer();
  if (res.status !== status) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status}`);
}

/**
 * A lean keep-alive HTTP/1.1 client for the load cells, as wrk would be: it sends the
 * request and reads the status, draining the body unparsed. fetch's streams cost more CPU
 * per call than the handler under test, on the same two cores, and the client's cost is
 * no part of Roster's overhead.
 */
export function loadClient(base: string, headers: Record<string, string> = {}) {
  const { hostname, port } = new URL(base);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  /** One request on the shared agent; `answer` reads the response (and settles the promise). */
  const exchange = <T>(
    method: string,
    path: string,
    body: unknown,
    extra: Record<string, string>,
    answer: (res: IncomingMessage, resolve: (value: T) => void) => void,
  ): Promise<T> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          agent,
          host: hostname,
          port,
          method,
          path,
          headers: {
            ...headers,
            ...extra,
            ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
          },
        },
        (res) => {
          res.on('error', reject);
          answer(res, resolve);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  /** The status alone, the body drained unread: what the load loops send. */
  const send = (method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<number> =>
    exchange(method, path, body, extra, (res, resolve) => {
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.resume();
    });
  /** The same request, its body read and parsed as JSON: for calls whose answer the next one needs. */
  const json = <T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    extra: Record<string, string> = {},
  ): Promise<{ status: number; body: T }> =>
    exchange(method, path, body, extra, (res, resolve) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode ?? 0, body: (text ? JSON.parse(text) : {}) as T });
      });
    });
  return { send, json, close: () => agent.destroy() };
}
