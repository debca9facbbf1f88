import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type * as z from '../../zod';
import { BadRequest } from '../../errors';
import type { RouteSpec } from '../route';
import { stateOf, type HttpRequest } from '../state';

/** Validates path, query and body against the route's schemas; a message names the field. */
export function validate(route: RouteSpec): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    before: (request: HttpRequest) => {
      const state = stateOf(request.event);
      const { pathParameters, queryStringParameters } = request.event;
      state.params = check('path parameter', route.params, pathParameters ?? {});
      state.query = check('query parameter', route.query, queryStringParameters ?? {});
      if (route.body) state.body = check('body field', route.body, state.body ?? {});
    },
  };
}

function check(where: string, schema: z.ZodMiniType | undefined, value: unknown): unknown {
  if (!schema) return value;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new BadRequest(describeIssues(where, result.error));
}

export function describeIssues(where: string, error: z.core.$ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
      const path = [...issue.path, ...(keys.length === 1 ? keys : [])].map(String).join('.');
      const message =
        issue.code === 'unrecognized_keys' ? `unknown ${keys.length > 1 ? `properties ${keys.join(', ')}` : 'property'}` : issue.message;
      return path ? `${where} "${path}": ${message}` : `${where}s: ${message}`;
    })
    .join('; ');
}
