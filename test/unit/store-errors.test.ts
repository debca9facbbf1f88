import { GetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ProvisionedThroughputExceededException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { handler } from '../../functions/status';
import { RETRY } from '../../lib/store/client';
import { apiEvent, context } from '../support/events';

const ddb = mockClient(DynamoDBDocumentClient);
afterEach(() => ddb.reset());

const status = () => handler(apiEvent({ path: '/api/v1/status' }), context);

describe('store failures once the SDK has spent its retries', () => {
  it('uses standard retries with 4 attempts', () => {
    expect(RETRY).toEqual({ maxAttempts: 4, retryMode: 'standard' });
  });

  it('turns a transaction conflict into 409 with Retry-After', async () => {
    ddb
      .on(GetCommand)
      .rejects(
        new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: [{ Code: 'TransactionConflict' }] }),
      );
    const res = await status();
    expect(res.statusCode).toBe(409);
    expect(res.headers!['Retry-After']).toBe('1');
  });

  it('turns throttling into 503 with Retry-After, never a bare 500', async () => {
    ddb.on(GetCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    const res = await status();
    expect(res.statusCode).toBe(503);
    expect(res.headers!['Retry-After']).toBe('1');
    expect(JSON.parse(res.body!).error).toMatch(/busy/);
  });

  it('reads the cluster item once when it exists', async () => {
    ddb.on(GetCommand).resolves({ Item: { PK: 'CLUSTER', SK: 'META', clusterId: 42, leaderNodeId: 3, raftTerm: 7, initialized: true } });
    const res = await status();
    expect(JSON.parse(res.body!).result).toMatchObject({ initialized: true, cluster: { clusterId: 42, leaderNodeId: 3, raftTerm: 7 } });
    expect(ddb.commandCalls(GetCommand)).toHaveLength(1);
  });
});
