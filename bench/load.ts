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
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]! : NaN;

export async function measure(concurrency: number, durationMs: number, op: (client: number, i: number) => Promise<unknown>): Promise<Cell> {
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
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    concurrency,
    ops: latencies.length,
    errors,
    throughput: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

/** An HTTP call that fails unless the status is the expected one (so errors are counted, not timed). */
export async function expectStatus(url: string, init: RequestInit, status: number): Promise<void> {
  const res = await fetch(url, init);
  await res.arrayBuffer();
  if (res.status !== status) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status}`);
}
