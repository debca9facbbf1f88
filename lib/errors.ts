/**
 * The one error hierarchy. Everything a client can cause is a DomainError with a
 * status code; the HTTP chain renders it in the format of the route's surface.
 * Anything else that escapes is a bug and becomes a 500 carrying the request id.
 */
export class DomainError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    // Class names do not survive minification: the kind is the status's own name.
    this.name = KINDS[statusCode] ?? `Http${statusCode}`;
  }
}

const KINDS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  429: 'TooManyRequests',
  503: 'ServiceUnavailable',
};

export class BadRequest extends DomainError {
  constructor(message: string) {
    super(400, message);
  }
}

export class Unauthorized extends DomainError {
  constructor(message = 'Unauthorized') {
    super(401, message);
  }
}

export class Forbidden extends DomainError {
  constructor(message = 'Forbidden') {
    super(403, message);
  }
}

export class NotFound extends DomainError {
  constructor(message = 'Not found') {
    super(404, message);
  }
}

export class MethodNotAllowed extends DomainError {
  constructor(allowed: readonly string[]) {
    super(405, 'Method not allowed', { Allow: allowed.join(', ') });
  }
}

export class Conflict extends DomainError {
  constructor(message: string, retryAfterSeconds?: number) {
    super(409, message, retryAfterSeconds === undefined ? {} : { 'Retry-After': String(retryAfterSeconds) });
  }
}

/**
 * A write kept losing to concurrent changes and its bounded retries ran out: 409 with
 * `Retry-After`, on every surface. The client's retry is the next round, not our bug.
 */
export class Contention extends Conflict {
  constructor(message: string, retryAfterSeconds = 1) {
    super(message, retryAfterSeconds);
  }
}

export class PayloadTooLarge extends DomainError {
  constructor(limit: number) {
    super(413, `Request body is larger than ${limit} bytes`);
  }
}

export class UnsupportedMediaType extends DomainError {
  constructor(expected: string) {
    super(415, `Content-Type must be ${expected}`);
  }
}

export class TooManyRequests extends DomainError {
  constructor(message: string, retryAfterSeconds: number) {
    super(429, message, { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
  }
}

export class ServiceUnavailable extends DomainError {
  constructor(message: string, retryAfterSeconds = 1) {
    super(503, message, { 'Retry-After': String(retryAfterSeconds) });
  }
}
