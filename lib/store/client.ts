import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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

export const dynamodb = new DynamoDBClient({
  region: config.region,
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
