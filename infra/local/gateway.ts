import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { LAMBDA_RESPONSE_LIMIT, payloadBytes } from '../../lib/http/encoding';

/**
 * The limits API Gateway's HTTP API and Lambda put between a client and a function, kept
 * locally so that tests see what production would:
 * - a result whose invoke payload passes 6,291,556 bytes is a function error
 *   (Function.ResponseSizeTooLarge), which the HTTP API answers 500
 *   `{"message":"Internal Server Error"}`, as it answers any failed Lambda integration;
 * - an integration that has not answered within 30 s (the HTTP API's maximum integration
 *   timeout) is answered 503 `{"message":"Service Unavailable"}`, while the function runs on.
 */
export const INTEGRATION_TIMEOUT_MS = 30_000;

const gatewayError = (statusCode: number, message: string): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ message }),
});

export const INTERNAL_SERVER_ERROR = gatewayError(500, 'Internal Server Error');
export const SERVICE_UNAVAILABLE = gatewayError(503, 'Service Unavailable');

export async function throughGateway(
  invocation: Promise<APIGatewayProxyStructuredResultV2>,
  timeoutMs = INTEGRATION_TIMEOUT_MS,
): Promise<{ result: APIGatewayProxyStructuredResultV2; failure?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  try {
    const result = await Promise.race([invocation, timeout]);
    if (result === 'timeout') {
      // The invocation goes on, as a Lambda does after API Gateway gave up on it; its outcome is dropped.
      invocation.catch(() => undefined);
      return { result: SERVICE_UNAVAILABLE, failure: `integration timed out after ${timeoutMs} ms` };
    }
    const bytes = payloadBytes(result);
    if (bytes > LAMBDA_RESPONSE_LIMIT) {
      return { result: INTERNAL_SERVER_ERROR, failure: `Function.ResponseSizeTooLarge: ${bytes} bytes over ${LAMBDA_RESPONSE_LIMIT}` };
    }
    return { result };
  } finally {
    clearTimeout(timer);
  }
}
