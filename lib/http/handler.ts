import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { setCallerAddress } from '../audit/caller';
import type { Logger } from '../log';
import { withUsage } from '../metrics';
import type { Principal } from '../identity/principal';
import { fitForLambda } from './encoding';
import { auth } from './middleware/auth';
import { parseBody } from './middleware/body';
import { requestContext } from './middleware/request-context';
import { validate } from './middleware/validate';
import { Reply } from './reply';
import type { BodyOf, ParamsOf, QueryOf, RouteSpec } from './route';
import { stateOf } from './state';
import { surfaces } from './surfaces';

export interface RouteInput<R extends RouteSpec> {
  params: ParamsOf<R>;
  query: QueryOf<R>;
  body: BodyOf<R>;
  principal: Principal;
  method: string;
  path: string;
  requestId: string;
  log: Logger;
  headers: Readonly<Record<string, string | undefined>>;
  cookies: readonly string[];
  sourceIp: string;
}

export type RouteImpl<R extends RouteSpec> = (input: RouteInput<R>) => Promise<unknown>;

/**
 * The one chain every HTTP Lambda runs: request id and error rendering, body limit and
 * parsing, authentication and RBAC from the route table, schema validation; then the
 * handler, whose result is wrapped in the surface's envelope.
 */
export function httpRoute<const R extends RouteSpec>(route: R, impl: RouteImpl<R>) {
  const chain = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>()
    .use(requestContext(route))
    .use(parseBody(route))
    .use(auth(route))
    .use(validate(route))
    .handler(async (event) => {
      const state = stateOf(event);
      const result = await impl({
        params: state.params as ParamsOf<R>,
        query: state.query as QueryOf<R>,
        body: state.body as BodyOf<R>,
        principal: state.principal,
        method: event.requestContext?.http?.method ?? route.method,
        path: event.rawPath ?? route.path,
        requestId: state.requestId,
        log: state.log,
        headers: event.headers ?? {},
        cookies: event.cookies ?? [],
        sourceIp: event.requestContext?.http?.sourceIp ?? '',
      });
      const out = result instanceof Reply ? result : new Reply(result);
      const status = out.status ?? route.status;
      // Bytes go as base64, which API Gateway decodes: any content type passes unchanged (the console's files, small).
      // JSON is gzipped when large and accepted, and a 400 naming the paging when it would pass Lambda's 6 MB even so.
      const response: APIGatewayProxyStructuredResultV2 = out.raw
        ? { statusCode: status, headers: { ...out.headers }, body: out.raw.toString('base64'), isBase64Encoded: true }
        : fitForLambda(
            // A bare reply is plain JSON, which is what the CockroachDB surface sends on success.
            surfaces[out.bare ? 'crdb' : route.surface].success(status, out.body, out.headers, route.json?.stringify),
            event.headers?.['accept-encoding'],
            route.paging,
          );
      return out.cookies.length > 0 ? { ...response, cookies: [...out.cookies] } : response;
    });
  // Every AWS call the invocation makes is counted into its usage, logged with the request.
  return (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> =>
    withUsage(() => {
      setCallerAddress(event.requestContext?.http?.sourceIp ?? '');
      return chain(event, context);
    });
}
