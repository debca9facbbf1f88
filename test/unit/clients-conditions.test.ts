import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { putClient, removeClient, touchClient } from '../../lib/clients/repository';

const ddb = mockClient(DynamoDBDocumentClient);
afterEach(() => ddb.reset());

const NOW = 1_800_000_000;

const conditionFailed = (item?: Record<string, unknown>) =>
  Object.assign(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }), item ? { Item: marshall(item) } : {});

describe('the client repository translates its failed conditions', () => {
  it('refuses a registration under a standing tombstone with 409 and Retry-After, asking for the old item', async () => {
    ddb.on(PutCommand).rejects(conditionFailed({ PK: 'CLIENTS#default', SK: 'CLIENT#c', invalidatedUntil: NOW + 60 }));
    await expect(putClient('default', { name: 'c', timestamp: NOW }, NOW)).rejects.toMatchObject({
      statusCode: 409,
      headers: { 'Retry-After': '60' },
    });
    const input = ddb.commandCalls(PutCommand)[0]!.args[0].input;
    expect(input.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
    expect(input.Item).toMatchObject({ GSI1PK: 'CLIENTS', GSI1SK: 'default#c', clientJson: '{"name":"c"}', timestamp: NOW });
  });

  it('answers a keepalive 404 for a missing client and 409 for an invalidated one', async () => {
    ddb
      .on(UpdateCommand)
      .rejectsOnce(conditionFailed())
      .rejectsOnce(conditionFailed({ invalidatedUntil: NOW + 5 }));
    await expect(touchClient('default', 'c', NOW)).rejects.toMatchObject({ statusCode: 404 });
    await expect(touchClient('default', 'c', NOW)).rejects.toMatchObject({ statusCode: 409 });
  });

  it('answers a removal of a missing client 404 and rethrows anything else', async () => {
    ddb.on(DeleteCommand).rejectsOnce(conditionFailed()).rejectsOnce(new Error('boom'));
    await expect(removeClient('default', 'c')).rejects.toMatchObject({ statusCode: 404 });
    await expect(removeClient('default', 'c')).rejects.toThrow('boom');
  });
});
