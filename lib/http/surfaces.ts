import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Surface } from './route';

type Response = APIGatewayProxyStructuredResultV2 & { headers: Record<string, string> };

const JSON_TYPE = { 'Content-Type': 'application/json' };

/** Sensu 1.x's default CORS answer, carried by every classic response. */
export const CLASSIC_CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE, OPTIONS',
  'Access-Control-Allow-Credentials': 'true',
  'Access-Control-Allow-Headers': 'Origin, X-Requested-With, Content-Type, Accept, Authorization',
};

/**
 * Sensu Go's error codes (apid actions.ErrCode: InternalErr 0, InvalidArgument 1,
 * NotFound 2, AlreadyExistsErr 3, PermissionDenied 4, Unauthenticated 5) by status.
 */
const SENSU_CODES: Record<number, number> = { 400: 1, 401: 5, 403: 4, 404: 2, 405: 1, 409: 3, 413: 1, 415: 1 };

type Stringify = (value: unknown) => string;

const json = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
  stringify: Stringify = JSON.stringify,
): Response => ({
  statusCode,
  headers: { ...JSON_TYPE, ...headers },
  body: stringify(body),
});

/** Each surface's envelope for success bodies and for errors. */
export const surfaces: Record<
  Surface,
  {
    /** `stringify` is the route's own (RouteSpec.json) when it has one. */
    success(status: number, body: unknown, headers?: Record<string, string>, stringify?: Stringify): Response;
    error(status: number, message: string, headers?: Record<string, string>): Response;
  }
> = {
  ella: {
    success: (status, body, headers, stringify) =>
      status === 204 ? { statusCode: 204, headers: { ...headers }, body: '' } : json(status, { result: body }, headers, stringify),
    error: (status, message, headers) => json(status, { error: message }, headers),
  },
  sensu: {
    success: (status, body, headers, stringify) =>
      body === undefined ? { statusCode: status, headers: { ...headers }, body: '' } : json(status, body, headers, stringify),
    error: (status, message, headers) => json(status, { message, code: SENSU_CODES[status] ?? 0 }, headers),
  },
  classic: {
    success: (status, body, headers, stringify) =>
      body === undefined
        ? { statusCode: status, headers: { ...CLASSIC_CORS, ...headers }, body: '' }
        : json(status, body, { ...CLASSIC_CORS, ...headers }, stringify),
    // Sensu 1.x answers a missing resource with an empty body.
    error: (status, message, headers) =>
      status === 404
        ? { statusCode: 404, headers: { ...CLASSIC_CORS, ...headers }, body: '' }
        : json(status, { error: message }, { ...CLASSIC_CORS, ...headers }),
  },
  crdb: {
    success: (status, body, headers, stringify) => json(status, body, headers, stringify),
    // CockroachDB's API v2 answers errors with http.Error: plain text and a newline.
    error: (status, message, headers) => ({
      statusCode: status,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', ...headers },
      body: `${message}\n`,
    }),
  },
};

/** Which surface a path belongs to, for requests that match no route. */
export function surfaceOf(path: string): Surface {
  if (path === '/clients' || path.startsWith('/clients/')) return 'classic';
  if (path.startsWith('/api/core/v2') || path === '/auth' || path.startsWith('/auth/')) return 'sensu';
  if (path.startsWith('/api/v2')) return 'crdb';
  return 'ella';
}
