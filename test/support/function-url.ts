/**
 * A Lambda Function URL in front of one function's bundle, as AWS runs it: every path goes
 * to the function as a payload 2.0 event with routeKey `$default` and no path parameters.
 * Run in a child process (`node --import tsx test/support/function-url.ts BUNDLE`) with the
 * runtime's settings in its environment; prints `listening PORT`, then a line per request.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { lambdaContext, requestTarget, toEvent, writeResult } from '../../infra/local/event';

const bundle = process.argv[2]!;
const { handler } = (await import(pathToFileURL(bundle).href)) as {
  handler: (event: unknown, context: unknown) => Promise<Parameters<typeof writeResult>[1]>;
};

const server = createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const target = requestTarget(req.url ?? '/')!;
  const event = toEvent(req, target, Buffer.concat(chunks), '$default', undefined);
  const result = await handler(event, lambdaContext('roster-local-node-endpoint', event.requestContext.requestId, 10_000));
  console.log(`${req.method} ${target.path} ${result.statusCode}`);
  writeResult(res, result);
});
// Idle connections outlive the client's own keep-alive (as infra/local/server.ts's do): with Node's 5 s default the
// server could close one just as the next test's fetch reused it ("other side closed", seen once in the suite).
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => console.log(`listening ${(server.address() as AddressInfo).port}`));
