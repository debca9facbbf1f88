import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { config } from '../../config';
import { BadRequest, DomainError, PayloadTooLarge } from '../../errors';
import type { JsonCodec, RouteSpec } from '../route';
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
      stateOf(request.event).body = kind === 'form' ? Object.fromEntries(new URLSearchParams(text)) : parseJson(text, route.json);
    },
  };
}

function parseJson(text: string, codec: Pick<JsonCodec, 'parse'> = JSON): unknown {
  try {
    return codec.parse(text);
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw new BadRequest(`Malformed JSON body: ${(err as Error).message}`);
  }
}
