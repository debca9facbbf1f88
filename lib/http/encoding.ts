import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { gzipSync } from 'node:zlib';
import { BadRequest } from '../errors';

/**
 * What a synchronous Lambda may return: the invoke response payload (the JSON of the whole
 * result object — status, headers, the body as a JSON string, base64 when encoded) is capped
 * at 6 MB, which Lambda enforces as 6,291,556 bytes (Function.ResponseSizeTooLarge; API
 * Gateway then answers a 5xx the client can do nothing with).
 */
export const LAMBDA_RESPONSE_LIMIT = 6_291_556;

/** Bodies at least this large are sent gzipped to a client that accepts it; smaller ones as they are (no CPU spent). */
export const GZIP_FROM_BYTES = 64 * 1024;

type Result = APIGatewayProxyStructuredResultV2 & { headers?: Record<string, string | number | boolean> };

/** Whether an Accept-Encoding header accepts gzip: `gzip`, `x-gzip` or `*`, with a q-value above 0. */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  let gzip: number | undefined;
  let star: number | undefined;
  for (const part of header.split(',')) {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    const weight = q === undefined ? 1 : Number(q);
    if (coding === 'gzip' || coding === 'x-gzip') gzip = weight;
    else if (coding === '*') star = weight;
  }
  return (gzip ?? star ?? 0) > 0;
}

/** The invoke payload's size as Lambda counts it: the serialized result object. */
export function payloadBytes(result: Result): number {
  return Buffer.byteLength(JSON.stringify(result));
}

/**
 * The answer as it can leave a Lambda: gzipped (base64, `isBase64Encoded`, which API
 * Gateway's HTTP API decodes to the bytes it sends) when the client accepts gzip and the
 * body is large; refused with a 400 in the route's own format, naming the way to ask for
 * less (`paging`), when it would still pass Lambda's limit. Never a 5xx for a large answer.
 */
export function fitForLambda(result: Result, acceptEncoding: string | undefined, paging: string | undefined): Result {
  const body = result.body ?? '';
  const bytes = Buffer.byteLength(body);
  let out = result;
  if (bytes >= GZIP_FROM_BYTES && !result.isBase64Encoded && acceptsGzip(acceptEncoding)) {
    out = {
      ...result,
      headers: { ...result.headers, 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' },
      body: gzipSync(body).toString('base64'),
      isBase64Encoded: true,
    };
  }
  // JSON escaping at most doubles a body (a quote or a backslash becomes two bytes): below half the limit it fits.
  // The request id header and cookies come after this: a few hundred bytes are kept for them.
  const size = 2 * Buffer.byteLength(out.body ?? '') + 4096 < LAMBDA_RESPONSE_LIMIT ? 0 : payloadBytes(out) + 512;
  if (size <= LAMBDA_RESPONSE_LIMIT) return out;
  const gzipped = out !== result;
  const ways = [paging && `ask for it page by page (${paging})`, !gzipped && 'send Accept-Encoding: gzip'].filter(Boolean);
  throw new BadRequest(
    `The answer (${bytes} bytes${gzipped ? `, ${size} gzipped and base64-encoded` : ''}) is over the ${LAMBDA_RESPONSE_LIMIT} bytes ` +
      `a Lambda response may carry: ${ways.length ? ways.join(', or ') : 'this route has no smaller form of it'}`,
  );
}
