import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { authenticate, type CredentialRules } from '../../identity/authenticate';
import { authorize, needed } from '../../identity/principal';
import type { RouteSpec } from '../route';
import { stateOf, type HttpRequest } from '../state';

/** How the route reads the credentials it takes, as its table entry declares them. */
export const credentialRulesOf = (route: RouteSpec): CredentialRules => ({
  keyScheme: route.surface === 'sensu',
  nodeCredential: route.nodeCredential ?? 'read',
  refusal: route.access === 'public' ? 'This route takes no credential' : needed(route.access),
});

/**
 * RBAC from the route table: who may call is declared by the route, never by the handler;
 * the route's own credential checks (RouteSpec.credentials) resolve the caller.
 */
export function auth(route: RouteSpec): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  const { access, credentials } = route;
  // A public route checks nothing here (its handler reads whatever credential it takes).
  if (access === 'public') return { before: () => undefined };
  if (!credentials) throw new Error(`${route.fn}: a route that is not public names the credentials it takes`);
  const rules = credentialRulesOf(route);
  return {
    before: async (request: HttpRequest) => {
      const state = stateOf(request.event);
      state.principal = await authenticate(request.event.headers ?? {}, rules, credentials);
      authorize(state.principal, access);
    },
  };
}
