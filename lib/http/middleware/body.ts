import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { config } from '../../config';
import { BadRequest, DomainError, PayloadTooLarge, UnsupportedMediaType } from '../../errors';
import { NOT_FOUND_FN, type JsonCodec, type RouteSpec } from '../route';
import { stateOf, type HttpRequest } from '../state';

/** `application/json` or a `+json` type, with or without parameters. */
const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;.*)?$/i;
const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(?:;.*)?$/i;

/**
 * A body is read only with the media type its route declares: JSON everywhere, a form
 * where the modelled system takes one. Anything else is 415, so a cross-site form or
 * text/plain POST (which a browser sends without a preflight) never reaches a handler.
 * A request without a body needs no type; an unknown route answers 404 whatever it carries.
 */
function checkMediaType(route: RouteSpec, contentType: string | undefined): void {
  if (route.fn === NOT_FOUND_FN) return;
  const form = route.bodyKind === 'form';
  if (!(form ? FORM_TYPE : JSON_TYPE).test(contentType ?? '')) {
    throw new UnsupportedMediaType(form ? 'application/x-www-form-urlencoded' : 'application/json');
  }
}

/** Enforces the media type and the body limit, and parses JSON or a form; an empty body is `undefined`. */
export function parseBody(route: RouteSpec): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    before: (request: HttpRequest) => {
      const { body, isBase64Encoded } = request.event;
      if (body === undefined || body === null || body === '') return;
      checkMediaType(route, request.event.headers?.['content-type']);
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
