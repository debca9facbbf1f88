import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { DomainError } from '../../errors';
import { logger } from '../../log';
import { currentUsage } from '../../metrics';
import { routeMetrics } from '../../route-metrics';
import { translateStoreError } from '../../store/errors';
import { ANONYMOUS } from '../../identity/principal';
import { surfaces } from '../surfaces';
import type { RouteSpec } from '../route';
import { hasState, initState, stateOf, type HttpRequest, type RequestState } from '../state';

/**
 * 1 in N successful summaries of the node paths (heartbeat, lease acquire, renew, release:
 * the routes only nodes call, each at a steady rate per node) is logged, and says
 * `sampled: N`; errors and every other route are always logged. CloudWatch Logs bills each
 * line's bytes: at one line a heartbeat the summary alone costs about a third of a dollar a
 * million. Unset or 1: every line (the local runtime's default; serverless.yml sets it).
 */
export const nodeLogSample = (raw = process.env.ROSTER_NODE_LOG_SAMPLE): number => {
  const n = Number(raw);
  return Number.isSafeInteger(n) && n > 1 ? n : 1;
};
export const isNodePath = (route: Pick<RouteSpec, 'access'>) =>
  route.access !== 'public' && route.access.length === 1 && route.access[0] === 'node';

/** A caller's own request id is kept when it looks like one, so logs join across systems. */
const REQUEST_ID = /^[\w.:-]{8,128}$/;

function newState(route: RouteSpec, event: APIGatewayProxyEventV2): RequestState {
  const header = event.headers?.['x-request-id'];
  const requestId = header && REQUEST_ID.test(header) ? header : (event.requestContext?.requestId ?? randomUUID());
  return {
    route,
    requestId,
    log: logger({ requestId, fn: route.fn }),
    startedAt: Date.now(),
    startedCpu: process.cpuUsage(),
    body: undefined,
    principal: ANONYMOUS,
    params: undefined,
    query: undefined,
  };
}

/**
 * First in, last out: gives the request its id and logger, renders every error in the
 * route's surface format, and stamps X-Request-ID on whatever goes back.
 */
export function requestContext(route: RouteSpec): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  // On AWS (serverless.yml sets ROSTER_METRICS=emf) each container aggregates its route's metrics.
  const metrics = process.env.ROSTER_METRICS === 'emf' ? routeMetrics(route.fn) : undefined;
  const sample = isNodePath(route) ? nodeLogSample() : 1;
  // The container's first success is logged, then every sample-th.
  let successes = 0;
  const state = (request: HttpRequest): RequestState => {
    if (!hasState(request.event)) initState(request.event, newState(route, request.event));
    return stateOf(request.event);
  };
  /** Stamps the request id on the answer and logs the request's one summary line. */
  const stamp = (request: HttpRequest) => {
    const { requestId, log, startedAt, startedCpu } = state(request);
    const response = request.response ?? { statusCode: 500 };
    request.response = { ...response, headers: { ...response.headers, 'X-Request-ID': requestId } };
    const { method, path } = request.event.requestContext?.http ?? { method: route.method, path: route.path };
    const failure = request.error ? failureOf(request.error) : {};
    const ms = Date.now() - startedAt;
    const cpuMs = cpuMsSince(startedCpu);
    const usage = currentUsage();
    const failed = Boolean(request.error) || (response.statusCode ?? 500) >= 400;
    if (failed || sample === 1 || successes++ % sample === 0)
      log.info('request', {
        method,
        path,
        status: response.statusCode,
        ...failure,
        ms,
        cpuMs,
        usage,
        ...(failed || sample === 1 ? {} : { sampled: sample }),
      });
    metrics?.record(response.statusCode ?? 200, ms, usage, cpuMs);
  };
  return {
    before: (request: HttpRequest) => void state(request),
    after: stamp,
    onError: (request: HttpRequest) => {
      const { log, requestId } = state(request);
      const error = translateStoreError(request.error);
      if (error instanceof DomainError) {
        if (error.statusCode >= 500) log.warn('request failed', { status: error.statusCode, error: error.message });
        request.response = surfaces[route.surface].error(error.statusCode, error.message, error.headers);
      } else {
        log.error('unexpected error', { error: describe(error) });
        request.response = surfaces[route.surface].error(500, `Internal error (request id ${requestId})`);
      }
      stamp(request);
    },
  };
}

/**
 * The CPU the process spent since `start`, in milliseconds to a tenth. On Lambda that is the
 * request's own (an execution environment serves one request at a time): what its duration
 * is made of beside waiting on DynamoDB, and what a smaller memory size slows down. In the
 * local runtime concurrent requests share one process, so the figure is theirs together.
 */
const cpuMsSince = (start: NodeJS.CpuUsage): number => {
  const { user, system } = process.cpuUsage(start);
  return Math.round((user + system) / 100) / 10;
};

/** What an error's summary line says of it: the message a user can act on, and its kind. */
function failureOf(error: unknown): { error: string; kind: string } {
  const translated = translateStoreError(error);
  if (translated instanceof DomainError) return { error: translated.message, kind: translated.name };
  return { error: 'Internal error', kind: translated instanceof Error ? translated.name : 'unknown' };
}

function describe(error: unknown): Record<string, unknown> {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { value: String(error) };
}
