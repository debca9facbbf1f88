import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { ensureTable } from '../../infra/local/table';

/** Creates table `name` (the deployed definition) on the suite's DynamoDB Local, for a file that drives the store in-process. */
export async function createLocalTable(name: string): Promise<void> {
  const client = new DynamoDBClient({
    endpoint: inject('dynamodbEndpoint'),
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  try {
    await ensureTable(client, name);
  } finally {
    client.destroy();
  }
}
