import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../agent/http';

let url: string;
const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"result":{"ok":true}}'));
beforeAll(
  () =>
    new Promise<void>((resolve) =>
      server.listen(0, '127.0.0.1', () => ((url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`), resolve())),
    ),
);
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("the agent's requests", () => {
  it('take a timeout measured on the monotonic clock, fractions of a millisecond included', async () => {
    // A lease renewal's timeout is what is left of its margin: never a whole number.
    await expect(call(url, { method: 'GET', path: '/x', timeoutMs: 3733.3333 })).resolves.toEqual({ ok: true });
  });
});
