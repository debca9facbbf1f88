import { writeLine } from './log';
import type { Usage } from './metrics';

/**
 * Per-route metrics as CloudWatch embedded-metric-format lines, aggregated in the container
 * and written at most once a period (log ingestion is priced per byte, so never a line per
 * request), from the usage the request's summary line already counts. No metrics API call is
 * made on the request path: CloudWatch extracts the metrics from the log line. Lambda freezes
 * a container between invocations, so a due window is written at the end of the request that
 * finds it due; a container that dies first loses at most one period of its own figures.
 */
export const NAMESPACE = 'Roster';
const PERIOD_MS = 60_000;
/** CloudWatch takes at most 100 values per metric per line. */
const MAX_SAMPLES = 100;

interface Window {
  requests: number;
  status2xx: number;
  status4xx: number;
  status5xx: number;
  latencies: number[];
  dynamodbCalls: number;
  cpuMs: number;
  rcu: number;
  wcu: number;
}

const blank = (): Window => ({
  requests: 0,
  status2xx: 0,
  status4xx: 0,
  status5xx: 0,
  latencies: [],
  dynamodbCalls: 0,
  cpuMs: 0,
  rcu: 0,
  wcu: 0,
});

export function routeMetrics(fn: string, write: (line: string) => void = writeLine, period = PERIOD_MS) {
  let window = blank();
  let since: number | undefined;

  const flush = (now: number) => {
    if (window.requests > 0) write(JSON.stringify(emf(fn, window, now)));
    window = blank();
    since = now;
  };

  return {
    record(status: number, ms: number, usage: Usage | undefined, cpuMs = 0, now = Date.now()): void {
      since ??= now;
      window.requests++;
      if (status >= 500) window.status5xx++;
      else if (status >= 400) window.status4xx++;
      else window.status2xx++;
      // A uniform sample of the window's latencies once it holds more than CloudWatch takes.
      if (window.latencies.length < MAX_SAMPLES) window.latencies.push(ms);
      else {
        const slot = Math.floor(Math.random() * window.requests);
        if (slot < MAX_SAMPLES) window.latencies[slot] = ms;
      }
      window.dynamodbCalls += usage?.dynamodb.calls ?? 0;
      window.cpuMs += cpuMs;
      window.rcu += usage?.dynamodb.rcu ?? 0;
      window.wcu += usage?.dynamodb.wcu ?? 0;
      if (now - since >= period) flush(now);
    },
    flush,
  };
}

function emf(fn: string, w: Window, now: number) {
  const metrics: [string, string, number | number[]][] = [
    ['Requests', 'Count', w.requests],
    ['Status2xx', 'Count', w.status2xx],
    ['Status4xx', 'Count', w.status4xx],
    ['Status5xx', 'Count', w.status5xx],
    ['Latency', 'Milliseconds', w.latencies],
    ['DynamoDBCalls', 'Count', w.dynamodbCalls],
    // The CPU the window's requests spent: against Requests, what a memory size must carry.
    ['CpuTime', 'Milliseconds', round(w.cpuMs)],
    ['ConsumedReadCapacity', 'Count', round(w.rcu)],
    ['ConsumedWriteCapacity', 'Count', round(w.wcu)],
  ];
  return {
    _aws: {
      Timestamp: now,
      CloudWatchMetrics: [{ Namespace: NAMESPACE, Dimensions: [['Function']], Metrics: metrics.map(([Name, Unit]) => ({ Name, Unit })) }],
    },
    Function: fn,
    ...Object.fromEntries(metrics.map(([name, , value]) => [name, value])),
  };
}

const round = (n: number) => Math.round(n * 100) / 100;
