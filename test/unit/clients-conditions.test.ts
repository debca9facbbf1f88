import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { putClient, removeClient, touchClient } from '../../lib/clients/client-store';
import { registerClient } from '../../lib/clients/use-cases';
import { keys } from '../../lib/store/keys';

const ddb = mockClient(DynamoDBDocumentClient);
afterEach(() => ddb.reset());

const NOW = 1_800_000_000;

const conditionFailed = (item?: Record<string, unknown>) =>
  Object.assign(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }), item ? { Item: marshall(item) } : {});

describe('the client store reads its failed conditions', () => {
  it('refuses a registration under a standing tombstone, asking for the old item; the use case tells it 409 with Retry-After', async () => {
    ddb.on(PutCommand).rejects(conditionFailed({ ...keys.client('default', 'c'), invalidatedUntil: NOW + 60 }));
    expect(await putClient('default', { name: 'c', timestamp: NOW }, NOW)).toEqual({ kind: 'invalidated', until: NOW + 60 });
    const input = ddb.commandCalls(PutCommand)[0]!.args[0].input;
    expect(input.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
    expect(input.Item).toMatchObject({
      ...keys.client('default', 'c'),
      ...keys.clientIndex('default', 'c'),
      clientJson: '{"name":"c"}',
      timestamp: NOW,
    });
    const until = Math.floor(Date.now() / 1000) + 60;
    ddb.on(PutCommand).rejects(conditionFailed({ ...keys.client('default', 'c'), invalidatedUntil: until }));
    const refused = await registerClient({ namespace: 'default', definition: { name: 'c' } }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ statusCode: 409, message: `Client c in namespace default is invalidated until ${until}` });
    expect(Number((refused as { headers: Record<string, string> }).headers['Retry-After'])).toBeGreaterThanOrEqual(50); // the tombstone's time left
  });

  it('tells a keepalive of a missing client from one of an invalidated client', async () => {
    ddb
      .on(UpdateCommand)
      .rejectsOnce(conditionFailed())
      .rejectsOnce(conditionFailed({ invalidatedUntil: NOW + 5 }));
    expect(await touchClient('default', 'c', NOW)).toEqual({ kind: 'missing' });
    expect(await touchClient('default', 'c', NOW)).toEqual({ kind: 'invalidated', until: NOW + 5 });
  });

  it('tells a removal of a missing client and rethrows anything else', async () => {
    ddb.on(DeleteCommand).rejectsOnce(conditionFailed()).rejectsOnce(new Error('boom'));
    expect(await removeClient('default', 'c')).toEqual({ kind: 'missing' });
    await expect(removeClient('default', 'c')).rejects.toThrow('boom');
  });
});
