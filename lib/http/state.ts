import type { Request } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Logger } from '../log';
import type { Principal } from '../identity/principal';
import type { RouteSpec } from './route';

/** What the chain learns about a request on its way to the handler. */
export interface RequestState {
  route: RouteSpec;
  requestId: string;
  log: Logger;
  startedAt: number;
  /** The process's CPU time when the request began (`process.cpuUsage()`). */
  startedCpu: NodeJS.CpuUsage;
  body: unknown;
  principal: Principal;
  params: unknown;
  query: unknown;
}

export type HttpRequest = Request<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error>;

/** Keyed by the invocation's event: one module serves concurrent invocations locally. */
const states = new WeakMap<APIGatewayProxyEventV2, RequestState>();

export function stateOf(event: APIGatewayProxyEventV2): RequestState {
  const state = states.get(event);
  if (!state) throw new Error('request state read before the request-context middleware ran');
  return state;
}

export const hasState = (event: APIGatewayProxyEventV2): boolean => states.has(event);

export function initState(event: APIGatewayProxyEventV2, state: RequestState): void {
  states.set(event, state);
}
