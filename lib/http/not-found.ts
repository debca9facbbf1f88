import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { MethodNotAllowed, NotFound } from '../errors';
import { httpRoute } from './handler';
import routePaths from 'roster:route-paths';
import { createMatcher, type Routable } from './match';
import { surfaceOf } from './surfaces';
import { NOT_FOUND_FN, SURFACES } from './route';

/** The route table's methods and paths (computed from it at build time: no route schemas in this bundle). */
const match = createMatcher(routePaths as readonly Routable[]);

/** One fallback per surface, so the error speaks the format of the path it was asked on. */
const fallbacks = new Map(
  SURFACES.map((surface) => [
    surface,
    httpRoute(
      {
        fn: NOT_FOUND_FN,
        method: 'GET',
        path: '/',
        surface,
        access: 'public',
        store: 'none',
        status: 404,
        summary: 'Unknown route',
        bodyKind: 'none',
      },
      async ({ method, path }) => {
        const m = match(method, path);
        if (m.kind === 'method-not-allowed') throw new MethodNotAllowed(m.allowed);
        throw new NotFound('Not found');
      },
    ),
  ]),
);

/**
 * API Gateway's `$default` route: a path no route serves is a 404, a known path with
 * another method a 405, each in the format of the surface the path belongs to.
 */
export const notFound = (event: APIGatewayProxyEventV2, context: Context) => fallbacks.get(surfaceOf(event.rawPath))!(event, context);
