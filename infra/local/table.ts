import { CreateTableCommand, DescribeTableCommand, UpdateTimeToLiveCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { tableDefinition, TTL_ATTRIBUTE } from '../../lib/store/table';

/** Creates the table, its GSI and its TTL when they are missing; an existing table is left alone. */
export async function ensureTable(client: DynamoDBClient, TableName: string): Promise<'created' | 'existing'> {
  try {
    await client.send(new DescribeTableCommand({ TableName }));
    return 'existing';
  } catch (err) {
    if ((err as Error).name !== 'ResourceNotFoundException') throw err;
  }
  try {
    await client.send(new CreateTableCommand(tableDefinition(TableName)));
  } catch (err) {
    if ((err as Error).name === 'ResourceInUseException') return 'existing';
    throw err;
  }
  await client.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true } }));
  return 'created';
}
