import { Conflict, ServiceUnavailable } from '../errors';

const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
]);

const UNAVAILABLE = new Set(['InternalServerError', 'ServiceUnavailable', 'TimeoutError', 'RequestTimeout']);

type SdkError = { name?: unknown; $metadata?: unknown; $retryable?: unknown };

function isSdkError(err: unknown): err is Error & SdkError {
  return err instanceof Error && ('$metadata' in err || THROTTLING.has(err.name) || err.name === 'TransactionConflictException');
}

/**
 * Translates what is left of a store failure once the SDK's own retries are spent:
 * contention is the client's to retry (409), capacity is ours (503). Both say when to
 * come back. Condition failures are not handled here: each repository turns its own
 * into a domain error, since only it knows what the condition meant.
 */
export function translateStoreError(err: unknown): unknown {
  if (!isSdkError(err)) return err;
  if (err.name === 'TransactionConflictException' || isConflictCancellation(err)) {
    return new Conflict('The request conflicted with a concurrent change; retry it', 1);
  }
  if (THROTTLING.has(err.name) || isThrottleCancellation(err)) {
    return new ServiceUnavailable('The store is busy; retry shortly', 1);
  }
  if (UNAVAILABLE.has(err.name) || isServerSide(err)) return new ServiceUnavailable('The store did not answer; retry shortly', 1);
  return err;
}

/**
 * Any other answer the store's side failed on: a 5xx the SDK has no name for (a proxy's
 * HTML 502 surfaces as a SyntaxError from the deserializer, carrying the status).
 */
function isServerSide(err: Error & SdkError): boolean {
  const status = (err.$metadata as { httpStatusCode?: number } | undefined)?.httpStatusCode ?? 0;
  return status >= 500 || (err as { $fault?: unknown }).$fault === 'server';
}

type Reason = { Code?: string };

function reasons(err: Error): Reason[] {
  if (err.name !== 'TransactionCanceledException') return [];
  return ((err as { CancellationReasons?: Reason[] }).CancellationReasons ?? []).filter(Boolean);
}

function isConflictCancellation(err: Error): boolean {
  return reasons(err).some((r) => r.Code === 'TransactionConflict');
}

function isThrottleCancellation(err: Error): boolean {
  return reasons(err).some((r) => r.Code === 'ThrottlingError' || r.Code === 'ProvisionedThroughputExceeded');
}
