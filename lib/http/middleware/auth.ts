import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { authenticate, type CredentialRules } from '../../identity/authenticate';
import { authorize } from '../../identity/principal';
import type { RouteSpec } from '../route';
import { stateOf, type HttpRequest } from '../state';

/** The credentials a route takes, as its table entry declares them. */
export const credentialRulesOf = (route: RouteSpec): CredentialRules => ({
  basicAuth: route.basicAuth === true,
  keyScheme: route.surface === 'sensu',
  nodeCredential: route.nodeCredential ?? 'read',
});

/** RBAC from the route table: who may call is declared by the route, never by the handler. */
export function auth(route: RouteSpec): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  const rules = credentialRulesOf(route);
  return {
    before: async (request: HttpRequest) => {
      if (route.access === 'public') return;
      const state = stateOf(request.event);
      state.principal = await authenticate(request.event.headers ?? {}, rules);
      authorize(state.principal, route.access);
    },
  };
}
