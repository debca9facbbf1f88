import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Logger } from '@aws-sdk/types';
import { config } from '../config';
import { instrumentDynamoDB } from '../metrics';

/**
 * Retry policy, chosen once: standard mode (exponential backoff with jitter and a
 * retry quota), 4 attempts. Past that, throttling becomes a 503 with Retry-After and
 * a transaction conflict a 409 (see ./errors). Timeouts keep a stuck connection from
 * eating a Lambda's whole budget.
 */
export const RETRY = { maxAttempts: 4, retryMode: 'standard' } as const;
export const TIMEOUTS = { connectionTimeout: 2_000, requestTimeout: 5_000 } as const;

/**
 * The SDK's logger middleware builds a redacted copy of every request and response for
 * `logger.info` (and of the request for `logger.error`) before calling it, even when the
 * logger throws it away, as the default no-op logger does. A logger without those two
 * skips that work on every call; the SDK's warnings and debug output go nowhere, as with
 * the default.
 */
export const SDK_LOGGER = { debug: () => {}, warn: () => {} } as unknown as Logger;

export const dynamodb = new DynamoDBClient({
  region: config.region,
  logger: SDK_LOGGER,
  ...RETRY,
  requestHandler: TIMEOUTS,
  ...(config.dynamodbEndpoint
    ? {
        endpoint: config.dynamodbEndpoint,
        // DynamoDB Local accepts any credentials; real AWS runs use the role's.
        credentials: {
          accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'local',
          secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
        },
      }
    : {}),
});

instrumentDynamoDB(dynamodb);

export const documents = DynamoDBDocumentClient.from(dynamodb, {
  marshallOptions: { removeUndefinedValues: true },
});

export const TABLE = config.tableName;
