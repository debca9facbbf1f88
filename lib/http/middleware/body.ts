import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { config } from '../../config';
import { BadRequest, PayloadTooLarge } from '../../errors';
import type { RouteSpec } from '../route';
import { stateOf, type HttpRequest } from '../state';

/** Enforces the body limit and parses JSON or a form; an empty body is `undefined`. */
export function parseBody(route: RouteSpec): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    before: (request: HttpRequest) => {
      const { body, isBase64Encoded } = request.event;
      if (body === undefined || body === null || body === '') return;
      const raw = isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
      if (raw.byteLength > config.maxBodyBytes) throw new PayloadTooLarge(config.maxBodyBytes);
      const kind = route.bodyKind ?? 'json';
      if (kind === 'none') return;
      const text = raw.toString('utf8');
      stateOf(request.event).body = kind === 'form' ? Object.fromEntries(new URLSearchParams(text)) : parseJson(text);
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BadRequest(`Malformed JSON body: ${(err as Error).message}`);
  }
}
