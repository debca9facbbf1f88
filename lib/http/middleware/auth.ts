import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { authenticate } from '../../identity/authenticate';
import { authorize } from '../../identity/principal';
import type { RouteSpec } from '../route';
import { stateOf, type HttpRequest } from '../state';

/** RBAC from the route table: who may call is declared by the route, never by the handler. */
export function auth(route: RouteSpec): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    before: async (request: HttpRequest) => {
      if (route.access === 'public') return;
      const state = stateOf(request.event);
      state.principal = await authenticate({
        headers: request.event.headers ?? {},
        cookies: request.event.cookies ?? [],
        route,
      });
      authorize(state.principal, route.access);
    },
  };
}
