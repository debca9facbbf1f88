import { GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createLocalTable } from '../support/table';

// The store reads its table and endpoint from the environment at import, as on Lambda.
process.env.DYNAMODB_ENDPOINT = inject('dynamodbEndpoint');
process.env.TABLE_NAME = `documents-${randomBytes(4).toString('hex')}`;
const { dynamodb, documents, TABLE } = await import('../../lib/store/client');
const { conditionFailure } = await import('../../lib/store/conditions');
const { GetCommand, PutCommand, QueryCommand, UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
const { OverlappingInvocation, withUsage } = await import('../../lib/metrics');

beforeAll(() => createLocalTable(TABLE));
afterEach(() => vi.restoreAllMocks());

const key = (n: number) => ({ PK: 'DOC#test', SK: `ITEM#${String(n).padStart(3, '0')}` });

describe('the document client resolves each command class once', () => {
  it('sends many commands of one class with one resolved middleware stack per class', async () => {
    const resolved = [PutItemCommand, GetItemCommand, UpdateItemCommand].map((c) => vi.spyOn(c.prototype, 'resolveMiddleware'));
    for (let n = 0; n < 10; n++) await documents.send(new PutCommand({ TableName: TABLE, Item: { ...key(n), n } }));
    for (let n = 0; n < 10; n++) await documents.send(new GetCommand({ TableName: TABLE, Key: key(n) }));
    for (let n = 0; n < 10; n++)
      await documents.send(
        new UpdateCommand({ TableName: TABLE, Key: key(n), UpdateExpression: 'SET m = :m', ExpressionAttributeValues: { ':m': n } }),
      );
    // At most once each (none when an earlier test of this file resolved the class already); the SDK's way: 10 each.
    for (const spy of resolved) expect(spy.mock.calls.length).toBeLessThanOrEqual(1);
  });

  it('lets a middleware added to the client later see every call after it, and none once removed', async () => {
    await documents.send(new GetCommand({ TableName: TABLE, Key: key(1) })); // resolved before the middleware comes
    const seen: string[] = [];
    dynamodb.middlewareStack.add(
      (next, context) => (args) => {
        seen.push(context.commandName ?? '?');
        return next(args);
      },
      { step: 'initialize', name: 'seen' },
    );
    await documents.send(new GetCommand({ TableName: TABLE, Key: key(1) }));
    await documents.send(new PutCommand({ TableName: TABLE, Item: { ...key(1), n: 1 } }));
    dynamodb.middlewareStack.remove('seen');
    await documents.send(new GetCommand({ TableName: TABLE, Key: key(1) }));
    expect(seen).toEqual(['GetItemCommand', 'PutItemCommand']);
  });

  it('gives every concurrent call its own input and its own answer', async () => {
    const n = 40;
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        documents.send(
          // removeUndefinedValues still applies: `gone` is dropped, not refused.
          new PutCommand({ TableName: TABLE, Item: { ...key(100 + i), i, tags: new Set([`t${i}`]), nested: { i, gone: undefined } } }),
        ),
      ),
    );
    const updated = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        documents.send(
          new UpdateCommand({
            TableName: TABLE,
            Key: key(100 + i),
            UpdateExpression: 'SET doubled = :d',
            ExpressionAttributeValues: { ':d': i * 2 },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      ),
    );
    updated.forEach((out, i) =>
      expect(out.Attributes).toEqual({ ...key(100 + i), i, doubled: i * 2, tags: new Set([`t${i}`]), nested: { i } }),
    );
    const read = await Promise.all(
      Array.from({ length: n }, (_, i) => documents.send(new GetCommand({ TableName: TABLE, Key: key(100 + i) }))),
    );
    read.forEach((out, i) => expect(out.Item?.i).toBe(i));
    const page = await documents.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
        ExpressionAttributeValues: { ':pk': 'DOC#test', ':p': 'ITEM#1' },
      }),
    );
    expect(page.Items?.map((item) => item.i)).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it('fails a call as the SDK would, with the item the condition saw', async () => {
    await documents.send(new PutCommand({ TableName: TABLE, Item: { ...key(200), version: 3 } }));
    const failed = await documents
      .send(
        new UpdateCommand({
          TableName: TABLE,
          Key: key(200),
          UpdateExpression: 'SET version = :v',
          // Fails on purpose: the stored version is 3.
          ConditionExpression: 'version = :old',
          ExpressionAttributeValues: { ':v': 5, ':old': 4 },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      )
      .catch((err: unknown) => err);
    expect(conditionFailure(failed)).toEqual({ item: { ...key(200), version: 3 } });
  });

  it('counts each call into the usage of the invocation that made it', async () => {
    const a = await withUsage(async (usage) => {
      await documents.send(new GetCommand({ TableName: TABLE, Key: key(1) }));
      return usage;
    });
    const b = await withUsage(async (usage) => {
      await Promise.all([1, 2, 3].map((n) => documents.send(new GetCommand({ TableName: TABLE, Key: key(n) }))));
      return usage;
    });
    expect(a.dynamodb).toMatchObject({ calls: 1, ops: { GetItem: 1 } });
    expect(b.dynamodb).toMatchObject({ calls: 3, ops: { GetItem: 3 } });
  });

  it('refuses a second invocation while one runs in the same environment, leaving the first one whole', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = withUsage(async (usage) => {
      await gate;
      await documents.send(new GetCommand({ TableName: TABLE, Key: key(1) }));
      return usage;
    });
    await expect(withUsage(async () => documents.send(new GetCommand({ TableName: TABLE, Key: key(2) })))).rejects.toBeInstanceOf(
      OverlappingInvocation,
    );
    release();
    expect((await first).dynamodb).toMatchObject({ calls: 1, ops: { GetItem: 1 } });
    // Settled, the environment takes the next invocation.
    expect((await withUsage(async (usage) => usage)).dynamodb.calls).toBe(0);
  });
});
