import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createMatcher } from '../../lib/http/match';
import { NOT_FOUND_FN, routes } from '../../lib/http/routes';
import { toEvent, writeResult } from './event';
import type { Invoker } from './functions';

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
export async function startHttpServer(options: { host: string; port: number; invoke: Invoker }): Promise<LocalHttp> {
  const match = createMatcher(routes);

  const server = createServer(async (req, res) => {
    const started = performance.now();
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    let status = 500;
    let requestId = '-';
    try {
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
      const routeKey = m.kind === 'route' ? `${m.route.method} ${m.route.path}` : '$default';
      const event = toEvent(req, body, routeKey, m.kind === 'route' ? m.params : undefined);
      requestId = event.requestContext.requestId;
      const result = await options.invoke<APIGatewayProxyStructuredResultV2>(fn, event, requestId);
      requestId = String(result.headers?.['X-Request-ID'] ?? requestId);
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
      const ms = (performance.now() - started).toFixed(1);
      console.log(`${method} ${path} ${status} ${ms}ms ${requestId}`);
    }
  });
  server.keepAliveTimeout = 65_000;

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

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > GATEWAY_MAX_BODY) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
