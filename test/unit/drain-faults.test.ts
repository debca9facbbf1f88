import { ThrottlingException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { memberToItem } from '../../lib/cluster/member';
import { checkDrain } from '../../lib/drain/completion';
import { memberAt } from '../support/member';

/**
 * A throttled store in the drain deadline's task (the emulator will not throttle on demand):
 * the task must fail, so Step Functions retries it, and never answer "done".
 */

const ddb = mockClient(DynamoDBDocumentClient);
afterEach(() => ddb.reset());

describe('the drain deadline task under store faults', () => {
  it('fails when reading the drain is throttled, instead of ending the execution', async () => {
    ddb.on(GetCommand).rejects(new ThrottlingException({ message: 'slow down', $metadata: {} }));
    await expect(checkDrain({ nodeId: 5, drainEpoch: 1, requestId: 'r' })).rejects.toThrow('slow down');
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('fails when the completion cannot read the leases, and changes nothing', async () => {
    const now = Date.now();
    const member = memberToItem(
      memberAt(5, now - 60_000, { drainState: 'draining', drainEpoch: 1, drainDeadline: now - 1000, drainUpdatedAt: now - 5000 }),
    );
    ddb.on(GetCommand).resolves({ Item: member });
    ddb.on(QueryCommand).rejects(new ThrottlingException({ message: 'slow down', $metadata: {} }));
    await expect(checkDrain({ nodeId: 5, drainEpoch: 1, requestId: 'r' })).rejects.toThrow('slow down');
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('answers done only when there is no such member', async () => {
    ddb.on(GetCommand).resolves({});
    await expect(checkDrain({ nodeId: 5, drainEpoch: 1, requestId: 'r' })).resolves.toMatchObject({ done: true });
  });
});
