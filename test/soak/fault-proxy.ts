/**
 * A fault layer between the SDK and DynamoDB Local: forwards the JSON protocol and, on
 * data-plane operations, injects throttling, 5xx answers, latency, and responses lost
 * after the store committed (the SDK sees a dropped connection and retries). Seeded.
 */
import { createServer, type Server } from 'node:http';

export interface FaultRates {
  throttle: number;
  serverError: number;
  latency: number;
  lostAfterCommit: number;
}

const DATA_PLANE = /\.(GetItem|PutItem|UpdateItem|DeleteItem|Query|TransactWriteItems|TransactGetItems|BatchGetItem|BatchWriteItem)$/;

export async function startFaultProxy(upstream: string, rates: FaultRates, seed = 1) {
  let s = seed >>> 0 || 1;
  const roll = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const injected = { throttle: 0, serverError: 0, latency: 0, lostAfterCommit: 0, forwarded: 0 };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
    const target = String(req.headers['x-amz-target'] ?? '');
    const faulty = DATA_PLANE.test(target);
    const fail = (status: number, type: string) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: 'injected fault' }));
    };
    if (faulty && roll() < rates.throttle) return void (injected.throttle++, fail(400, 'ProvisionedThroughputExceededException'));
    if (faulty && roll() < rates.serverError) return void (injected.serverError++, fail(500, 'InternalServerError'));
    if (faulty && roll() < rates.latency) {
      injected.latency++;
      await new Promise((r) => setTimeout(r, 20 + roll() * 80));
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'connection') headers[k] = v;
    const answer = await fetch(`${upstream}${req.url ?? '/'}`, { method: req.method, headers, body: Buffer.concat(chunks) });
    const body = Buffer.from(await answer.arrayBuffer());
    injected.forwarded++;
    if (faulty && answer.ok && roll() < rates.lostAfterCommit) {
      injected.lostAfterCommit++;
      return void req.socket.destroy(); // committed upstream; the caller never hears of it
    }
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/x-amz-json-1.0' });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    injected,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}
