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

  it('turns a 5xx the SDK cannot name (an HTML 502 it fails to parse) into 503, never a bare 500', async () => {
    const unparsed = Object.assign(new SyntaxError('Unexpected token < in JSON'), { $metadata: { httpStatusCode: 502, attempts: 4 } });
    ddb.on(GetCommand).rejects(unparsed);
    const res = await status();
    expect(res.statusCode).toBe(503);
    expect(res.headers!['Retry-After']).toBe('1');
    expect(JSON.parse(res.body!).error).toMatch(/did not answer/);
  });

  it('keeps a client-side SDK failure (a 4xx it does not know) as an error of ours', async () => {
    ddb
      .on(GetCommand)
      .rejects(
        Object.assign(new Error('bad request'), { name: 'ValidationException', $fault: 'client', $metadata: { httpStatusCode: 400 } }),
      );
    expect((await status()).statusCode).toBe(500);
  });

  it('reads the cluster item once when it exists and no member leads', async () => {
    ddb.on(GetCommand).resolves({ Item: { PK: 'CLUSTER', SK: 'META', clusterId: 42, leaderNodeId: 0, raftTerm: 7, initialized: true } });
    const res = await status();
    expect(JSON.parse(res.body!).result).toMatchObject({ initialized: true, cluster: { clusterId: '42', leaderNodeId: 0, raftTerm: 7 } });
    expect(ddb.commandCalls(GetCommand)).toHaveLength(1);
  });

  it("reads the leader's API address with one more GetItem when a member leads", async () => {
    ddb.on(GetCommand).resolves({
      Item: {
        PK: 'CLUSTER',
        SK: 'META',
        clusterId: 42,
        leaderNodeId: 3,
        leaderExpiresAt: Date.now() + 60_000,
        raftTerm: 7,
        initialized: true,
      },
    });
    ddb.on(GetCommand, { Key: { PK: 'MEMBERS#3', SK: 'MEMBER#0000000000000003' } }).resolves({ Item: { apiAddress: '10.0.0.3:5002' } });
    const res = await status();
    expect(JSON.parse(res.body!).result.cluster).toMatchObject({
      clusterId: '42',
      leaderNodeId: 3,
      leaderAPIAddress: '10.0.0.3:5002',
      raftTerm: 7,
    });
    expect(ddb.commandCalls(GetCommand)).toHaveLength(2);
  });
});
