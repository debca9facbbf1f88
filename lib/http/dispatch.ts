import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { MethodNotAllowed, NotFound } from '../errors';
import { httpRoute } from './handler';
import { createMatcher } from './match';
import type { RouteSpec } from './route';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * One Lambda serving several routes behind a Lambda Function URL, which sends every path to
 * the function as a payload 2.0 event with routeKey `$default` and no path parameters: the
 * route is matched from `requestContext.http.method` and `rawPath` (as the local server
 * does), its parameters filled in, and the route's own handler runs. Anything else is a
 * 404 or 405 in the routes' surface format.
 */
export function dispatch<const R extends RouteSpec>(fn: string, routes: readonly R[], handlers: Record<R['fn'], Handler>): Handler {
  const match = createMatcher(routes);
  const fallback = httpRoute(
    {
      fn,
      method: 'GET',
      path: '/',
      surface: routes[0]!.surface,
      access: 'public',
      store: 'none',
      status: 404,
      summary: 'A path this endpoint does not serve',
      bodyKind: 'none',
    },
    async ({ method, path }) => {
      const m = match(method, path);
      if (m.kind === 'method-not-allowed') throw new MethodNotAllowed(m.allowed);
      throw new NotFound(
        `${method} ${path} is not served here: this endpoint serves ${routes.map((r) => `${r.method} ${r.path}`).join(', ')}`,
      );
    },
  );
  return (event, context) => {
    const m = match(event.requestContext?.http?.method ?? '', event.rawPath ?? '/');
    if (m.kind !== 'route') return fallback(event, context);
    const pathParameters = Object.keys(m.params).length ? m.params : undefined;
    return handlers[m.route.fn as R['fn']]({ ...event, ...(pathParameters ? { pathParameters } : {}) }, context);
  };
}
