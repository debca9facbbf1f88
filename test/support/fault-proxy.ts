/**
 * A fault layer between the SDK and DynamoDB Local (aws-sdk-client-mock would bypass the
 * SDK's retries): forwards the JSON protocol and injects, per request, what `decide`
 * returns — throttling, a 5xx, latency, or a response lost after the store committed (the
 * SDK sees a dropped connection and retries). Control-plane calls pass untouched.
 *
 *   const proxy = await startFaultProxy(inject('dynamodbEndpoint'), randomFaults({ throttle: 0.05 }));
 *   const rt = await startRuntime({ DYNAMODB_ENDPOINT: proxy.endpoint });
 */
import { createServer, type Server } from 'node:http';

export type Fault = 'throttle' | 'serverError' | 'latency' | 'lostAfterCommit';
/** Chooses a fault (or none) for one request to `operation` (GetItem, TransactWriteItems, …). */
export type Decide = (operation: string) => Fault | undefined;

const DATA_PLANE = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'TransactWriteItems',
  'TransactGetItems',
  'BatchGetItem',
  'BatchWriteItem',
]);

/** Independent faults at the given rates, from a seeded generator. */
export function randomFaults(rates: Partial<Record<Fault, number>>, seed = 1): Decide {
  let s = seed >>> 0 || 1;
  const roll = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  return () => (['throttle', 'serverError', 'latency', 'lostAfterCommit'] as const).find((f) => roll() < (rates[f] ?? 0));
}

export async function startFaultProxy(upstream: string, decide: Decide) {
  const injected: Record<Fault, number> = { throttle: 0, serverError: 0, latency: 0, lostAfterCommit: 0 };
  /** Requests seen per operation, retries included. */
  const attempts = new Map<string, number>();
  let current = decide;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
    const operation =
      String(req.headers['x-amz-target'] ?? '')
        .split('.')
        .pop() ?? '';
    attempts.set(operation, (attempts.get(operation) ?? 0) + 1);
    const fault = DATA_PLANE.has(operation) ? current(operation) : undefined;
    if (fault) injected[fault]++;
    const fail = (status: number, type: string) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: 'injected fault' }));
    };
    if (fault === 'throttle') return fail(400, 'ProvisionedThroughputExceededException');
    if (fault === 'serverError') return fail(500, 'InternalServerError');
    if (fault === 'latency') await new Promise((r) => setTimeout(r, 20 + Math.random() * 80));
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'connection') headers[k] = v;
    const answer = await fetch(`${upstream}${req.url ?? '/'}`, { method: req.method, headers, body: Buffer.concat(chunks) });
    const body = Buffer.from(await answer.arrayBuffer());
    if (fault === 'lostAfterCommit' && answer.ok) return void req.socket.destroy(); // committed; the caller never hears of it
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/x-amz-json-1.0' });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    injected,
    attempts,
    /** Changes the faults from now on (a test arms them after setup). */
    set: (decide: Decide) => void (current = decide),
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}
