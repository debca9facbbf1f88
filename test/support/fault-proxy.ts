/**
 * A fault layer between the SDK and DynamoDB Local (aws-sdk-client-mock would bypass the
 * SDK's retries): a small HTTP proxy on 127.0.0.1 that forwards the JSON protocol and
 * injects, per request, what its `decide` function returns — throttling, a 5xx, latency,
 * or a response lost after the store committed (the SDK sees a dropped connection and
 * retries). Control-plane calls (CreateTable, DescribeTable, UpdateTimeToLive …) pass
 * untouched, so the runtime creates its table through it.
 *
 *   const proxy = await startFaultProxy(inject('dynamodbEndpoint'));       // no faults yet
 *   const rt = await startRuntime({ DYNAMODB_ENDPOINT: proxy.endpoint });  // every Lambda goes through it
 *   proxy.set(nextCalls('TransactWriteItems', 'lostAfterCommit', 1));     // the next join's answer is lost
 *   proxy.set(always('GetItem', 'throttle'));                               // every read throttled
 *   proxy.set(randomFaults({ throttle: 0.05, lostAfterCommit: 0.02 }, seed)); // a reproducible mix
 *   proxy.set(any(nextCalls('Query', { kind: 'serverError', status: 503 }, 2), always('GetItem', { kind: 'latency', ms: 50 })));
 *   const mark = proxy.requests.length; … ; proxy.requests.slice(mark)     // what the SDK sent since, attempt by attempt
 *   proxy.stats()                                                           // forwarded and injected, per operation
 *
 * Keep the retry quota of standard mode in mind (each retry spends from a bucket that
 * only successes refill): assert exact attempt counts on a fresh runtime or after few
 * failures. Requests are decided in arrival order, so a seeded mix is reproducible only
 * as far as the order of concurrent requests is.
 */
import { createServer, type Server } from 'node:http';

export type Fault = 'throttle' | 'serverError' | 'latency' | 'lostAfterCommit';

/** A fault with its details; a bare `Fault` takes the defaults (400 ProvisionedThroughputExceeded, 500, 20–100 ms). */
export type Injection =
  | { kind: 'throttle'; type?: 'ProvisionedThroughputExceededException' | 'ThrottlingException' | 'RequestLimitExceeded' }
  | { kind: 'serverError'; status?: 500 | 502 | 503; type?: string }
  | { kind: 'latency'; ms: number }
  | { kind: 'lostAfterCommit' };

/** Chooses a fault (or none) for one request to `operation` (GetItem, TransactWriteItems, …). */
export type Decide = (operation: string) => Fault | Injection | undefined;

/** One request the proxy received, in arrival order (retries are requests of their own). */
export interface ProxiedRequest {
  operation: string;
  fault?: Fault;
  /** The status the caller got; undefined when its answer was lost. */
  status?: number;
  /**
   * The partition keys a write wrote, one entry per item (a transaction's every part, a
   * batch's every request; a put's GSI1PK too, since an index partition is written with it, and
   * an update's when its answer names one — ALL_NEW, as a lease renewal asks — since the index
   * projects every attribute): what a per-partition budget counts.
   */
  writes?: string[];
}

type AttrMap = Record<string, { S?: string } | undefined>;
const pkOf = (m: AttrMap | undefined) => (m?.PK?.S !== undefined ? [m.PK.S] : []);
const putKeys = (item: AttrMap | undefined) => [...pkOf(item), ...(item?.GSI1PK?.S !== undefined ? [`GSI1 ${item.GSI1PK.S}`] : [])];

/** The partitions a data-plane write names (see ProxiedRequest.writes); none for a read. */
export function writtenPartitions(operation: string, body: string): string[] {
  let req: Record<string, any>;
  try {
    req = JSON.parse(body);
  } catch {
    return [];
  }
  switch (operation) {
    case 'PutItem':
      return putKeys(req.Item);
    case 'UpdateItem':
    case 'DeleteItem':
      return pkOf(req.Key);
    case 'TransactWriteItems':
      return (req.TransactItems ?? []).flatMap((t: Record<string, any>) =>
        t.Put ? putKeys(t.Put.Item) : pkOf((t.Update ?? t.Delete ?? t.ConditionCheck)?.Key),
      );
    case 'BatchWriteItem':
      return Object.values(req.RequestItems ?? {}).flatMap((rs) =>
        (rs as Record<string, any>[]).flatMap((r) => (r.PutRequest ? putKeys(r.PutRequest.Item) : pkOf(r.DeleteRequest?.Key))),
      );
    default:
      return [];
  }
}

/** The index partition an UpdateItem's answer shows its item in (its Attributes, when it asked for them). */
function updatedIndex(body: Buffer): string[] {
  try {
    const pk = (JSON.parse(body.toString('utf8')) as { Attributes?: AttrMap }).Attributes?.GSI1PK?.S;
    return pk === undefined ? [] : [`GSI1 ${pk}`];
  } catch {
    return [];
  }
}

/**
 * Writes per partition key over `requests`: every one the store received (a write whose
 * condition failed still spends write units; a throttled or injected error reached nothing).
 */
export function writesByPartition(requests: readonly ProxiedRequest[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of requests) {
    if (r.fault === 'throttle' || r.fault === 'serverError') continue;
    for (const pk of r.writes ?? []) counts.set(pk, (counts.get(pk) ?? 0) + 1);
  }
  return counts;
}

export const DATA_PLANE = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'TransactWriteItems',
  'TransactGetItems',
  'BatchGetItem',
  'BatchWriteItem',
]);

/** A small seeded generator (xorshift32), so that a run's faults can be replayed. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** Independent faults at the given rates on every data-plane operation, from a seeded generator. */
export function randomFaults(rates: Partial<Record<Fault, number>>, seed = 1): Decide {
  const roll = seeded(seed);
  return () => {
    const fault = (['throttle', 'serverError', 'latency', 'lostAfterCommit'] as const).find((f) => roll() < (rates[f] ?? 0));
    return fault === 'latency' ? { kind: 'latency', ms: 20 + Math.floor(roll() * 80) } : fault;
  };
}

/** `fault` on every request to `operation` ('*': any data-plane operation), with `probability` (seeded) if given. */
export function always(operation: string, fault: Fault | Injection, options: { probability?: number; seed?: number } = {}): Decide {
  const roll = seeded(options.seed ?? 1);
  const p = options.probability ?? 1;
  return (op) => ((operation === '*' || op === operation) && (p >= 1 || roll() < p) ? fault : undefined);
}

/** `fault` on the next `n` requests to `operation` ('*': any), nothing after. */
export function nextCalls(operation: string, fault: Fault | Injection, n: number): Decide {
  let left = n;
  return (op) => ((operation === '*' || op === operation) && left > 0 ? (left--, fault) : undefined);
}

/** The first rule that injects something wins; each rule sees only the requests that reach it. */
export const any =
  (...rules: Decide[]): Decide =>
  (op) => {
    for (const rule of rules) {
      const fault = rule(op);
      if (fault) return fault;
    }
    return undefined;
  };

const asInjection = (f: Fault | Injection): Injection => (typeof f === 'string' ? ({ kind: f } as Injection) : f);

export async function startFaultProxy(upstream: string, decide: Decide = () => undefined) {
  const injected: Record<Fault, number> = { throttle: 0, serverError: 0, latency: 0, lostAfterCommit: 0 };
  /** Requests seen per operation, retries included. */
  const attempts = new Map<string, number>();
  const requests: ProxiedRequest[] = [];
  let current = decide;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
    const operation =
      String(req.headers['x-amz-target'] ?? '')
        .split('.')
        .pop() ?? '';
    attempts.set(operation, (attempts.get(operation) ?? 0) + 1);
    const chosen = DATA_PLANE.has(operation) ? current(operation) : undefined;
    const injection = chosen ? asInjection(chosen) : undefined;
    const writes = DATA_PLANE.has(operation) ? writtenPartitions(operation, Buffer.concat(chunks).toString('utf8')) : [];
    const record: ProxiedRequest = { operation, ...(injection ? { fault: injection.kind } : {}), ...(writes.length ? { writes } : {}) };
    requests.push(record);
    if (injection) injected[injection.kind]++;
    const answer = (status: number, contentType: string, body: Buffer | string) => {
      record.status = status;
      res.writeHead(status, { 'content-type': contentType });
      res.end(body);
    };
    const fail = (status: number, type: string) =>
      answer(
        status,
        'application/x-amz-json-1.0',
        JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: 'injected fault' }),
      );
    switch (injection?.kind) {
      case 'throttle':
        return fail(400, injection.type ?? 'ProvisionedThroughputExceededException');
      case 'serverError': {
        const status = injection.status ?? 500;
        if (status === 502) return answer(502, 'text/html', '<html><body>502 Bad Gateway</body></html>'); // a load balancer's answer
        return fail(status, injection.type ?? (status === 503 ? 'ServiceUnavailable' : 'InternalServerError'));
      }
      case 'latency':
        await new Promise((r) => setTimeout(r, injection.ms));
        break;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'connection') headers[k] = v;
    let upstreamAnswer: Response;
    try {
      upstreamAnswer = await fetch(`${upstream}${req.url ?? '/'}`, { method: req.method, headers, body: Buffer.concat(chunks) });
    } catch {
      return void req.socket.destroy(); // the store is gone: so is the answer
    }
    const body = Buffer.from(await upstreamAnswer.arrayBuffer());
    if (operation === 'UpdateItem' && upstreamAnswer.ok) record.writes = [...(record.writes ?? []), ...updatedIndex(body)];
    if (injection?.kind === 'lostAfterCommit' && upstreamAnswer.ok) return void req.socket.destroy(); // committed; the caller never hears of it
    answer(upstreamAnswer.status, upstreamAnswer.headers.get('content-type') ?? 'application/x-amz-json-1.0', body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    /** Faults injected so far, by kind. */
    injected,
    attempts,
    /** Every request so far, in arrival order: take a mark (`requests.length`) and slice from it. */
    requests: requests as readonly ProxiedRequest[],
    /** Forwarded and injected counts per operation. */
    stats() {
      const byOperation: Record<string, { requests: number; forwarded: number; injected: Partial<Record<Fault, number>> }> = {};
      for (const r of requests) {
        const s = (byOperation[r.operation] ??= { requests: 0, forwarded: 0, injected: {} });
        s.requests++;
        if (r.fault) s.injected[r.fault] = (s.injected[r.fault] ?? 0) + 1;
        if (r.fault !== 'throttle' && r.fault !== 'serverError') s.forwarded++;
      }
      return { requests: requests.length, injected: { ...injected }, byOperation };
    },
    /** Changes the faults from now on (a test arms them after setup); no argument: none. */
    set: (next: Decide = () => undefined) => void (current = next),
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

export type FaultProxy = Awaited<ReturnType<typeof startFaultProxy>>;
