import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { createMatcher } from '../../lib/http/match';
import { isNodePath, nodeLogSample } from '../../lib/http/middleware/request-context';
import { NOT_FOUND_FN, routes } from '../../lib/http/routes';
import { requestTarget, toEvent, writeResult } from './event';
import type { Invoker } from './functions';
import { throughGateway } from './gateway';

/** API Gateway's own payload limit; Roster's 512,000-byte limit is the Lambda's to enforce. */
const GATEWAY_MAX_BODY = 10 * 1024 * 1024;

export interface LocalHttp {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * Stands in for API Gateway: routes each request by the route table, builds the v2
 * event and invokes the function's bundle from dist/. Requests run concurrently.
 */
export async function startHttpServer(options: {
  host: string;
  port: number;
  invoke: Invoker;
  /** API Gateway's integration timeout (30 s, its HTTP API maximum); tests shorten it. */
  integrationTimeoutMs?: number;
}): Promise<LocalHttp> {
  const match = createMatcher(routes);
  // The access line follows the functions' summary sampling: a node path's successes 1 in N.
  const sample = nodeLogSample();
  const successes = new Map<string, number>();
  const logged = (fn: string | undefined, status: number) => {
    if (sample === 1 || fn === undefined || status >= 400) return true;
    const n = successes.get(fn) ?? 0;
    successes.set(fn, n + 1);
    return n % sample === 0;
  };
  const nodePaths = new Set(routes.filter(isNodePath).map((r) => r.fn));

  // Nothing a client sends may stop the server: a request that fails even its error answer loses its socket, not the process.
  const server = createServer((req, res) =>
    handle(req, res).catch((err: Error) => {
      console.error(JSON.stringify({ level: 'error', msg: 'request failed', error: String(err.stack ?? err) }));
      res.destroy();
    }),
  );
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const method = req.method ?? 'GET';
    const target = requestTarget(req.url ?? '/');
    const path = target?.path ?? String(req.url);
    let status = 500;
    let requestId = '-';
    let nodePath: string | undefined;
    try {
      if (!target) {
        req.resume();
        status = writeResult(res, { statusCode: 400, headers: { 'Content-Type': 'application/json' }, body: '{"message":"Bad Request"}' });
        return;
      }
      const body = await readBody(req);
      if (body === null) {
        status = writeResult(res, {
          statusCode: 413,
          headers: { 'Content-Type': 'application/json' },
          body: '{"message":"Request Entity Too Large"}',
        });
        return;
      }
      const m = match(method, path);
      const fn = m.kind === 'route' ? m.route.fn : NOT_FOUND_FN;
      if (nodePaths.has(fn)) nodePath = fn;
      const routeKey = m.kind === 'route' ? `${m.route.method} ${m.route.path}` : '$default';
      const event = toEvent(req, target, body, routeKey, m.kind === 'route' ? m.params : undefined);
      requestId = event.requestContext.requestId;
      const { result, failure } = await throughGateway(
        options.invoke<APIGatewayProxyStructuredResultV2>(fn, event, requestId),
        options.integrationTimeoutMs,
      );
      // What API Gateway answers when the integration times out or the Lambda's answer is over its limit.
      if (failure) console.error(JSON.stringify({ level: 'error', msg: 'integration failed', requestId, error: failure }));
      else requestId = String(result.headers?.['X-Request-ID'] ?? requestId);
      status = writeResult(res, result);
    } catch (err) {
      // What API Gateway answers when the integration itself fails.
      console.error(JSON.stringify({ level: 'error', msg: 'invocation failed', requestId, error: String((err as Error).stack ?? err) }));
      if (!res.headersSent)
        status = writeResult(res, {
          statusCode: 500,
          headers: { 'Content-Type': 'application/json' },
          body: '{"message":"Internal Server Error"}',
        });
    } finally {
      if (logged(nodePath, status)) console.log(`${method} ${path} ${status} ${(performance.now() - started).toFixed(1)}ms ${requestId}`);
    }
  }
  server.keepAliveTimeout = 65_000;
  // CONNECT's authority-form target names no route: API Gateway answers it 400 too.
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    socket.on('error', () => socket.destroy());
    socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as { port: number };
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * The request's body, or null past API Gateway's payload limit (the request is dropped, as
 * a for-await loop left early drops it). Listeners, not an async iterator, whose promises
 * every request paid for (each one also runs the process's AsyncLocalStorage hook).
 */
function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= GATEWAY_MAX_BODY) return void chunks.push(chunk);
      req.off('data', onData).off('end', onEnd).off('error', reject).off('close', onClose);
      req.destroy();
      resolve(null);
    };
    const onEnd = () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    // Settled already once the body ended; otherwise the client went away mid-body.
    const onClose = () => reject(new Error('the request closed before its body ended'));
    req.on('data', onData).on('end', onEnd).on('error', reject).on('close', onClose);
  });
}
