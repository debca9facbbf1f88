import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { transferLeadership } from '../../lib/cluster/leader';
import { memberToItem } from '../../lib/cluster/member';
import { Contention, DomainError } from '../../lib/errors';
import { surfaces } from '../../lib/http/surfaces';
import { keys } from '../../lib/store/keys';
import { AGAIN, withContention } from '../../lib/store/retry';
import { answerMemberQueries, memberAt } from '../support/member';

/**
 * Contention the emulator will not produce on demand: every round of a retry loop losing
 * its conditional write. Running out must be a 409 with Retry-After, never a plain error.
 */

const ddb = mockClient(DynamoDBDocumentClient);
afterEach(() => ddb.reset());

const NOW = Date.now();
const meta = {
  ...keys.clusterMeta(),
  clusterId: 7,
  leaderNodeId: 1,
  leaderExpiresAt: NOW + 60_000,
  raftTerm: 3,
  memberCount: 2,
  voterCount: 2,
};
const members = [1, 2].map((id) => memberToItem(memberAt(id, NOW - 600_000, { suffrage: 'voter', lastHeartbeatAt: NOW })));

/** The cluster item's condition failed: someone raised the term, and node 1 still holds the lease. */
const termMoved = () =>
  new TransactionCanceledException({
    message: 'cancelled',
    $metadata: {},
    CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed', Item: marshall(meta) }, { Code: 'None' }],
  });

async function rejection(p: Promise<unknown>): Promise<DomainError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainError);
  return err as DomainError;
}

describe('bounded retries under contention', () => {
  it('answers 409 with Retry-After when every leadership transfer round loses its write', async () => {
    answerMemberQueries(ddb, members);
    ddb.on(GetCommand).resolves({ Item: meta });
    ddb.on(TransactWriteCommand).rejects(termMoved());
    const err = await rejection(transferLeadership(1, NOW));
    expect(err).toBeInstanceOf(Contention);
    expect(err.statusCode).toBe(409);
    expect(err.headers['Retry-After']).toBe('1');
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(3); // bounded: three rounds, then the client's turn
  });

  it('renders the exhausted retry as 409 with Retry-After on every surface', async () => {
    const err = await rejection(withContention(async () => AGAIN, { attempts: 2, message: 'busy', baseDelayMs: 1 }));
    for (const surface of Object.values(surfaces)) {
      const response = surface.error(err.statusCode, err.message, err.headers);
      expect(response.statusCode).toBe(409);
      expect(response.headers).toMatchObject({ 'Retry-After': '1' });
    }
  });

  it('returns the first settled answer and lets other errors through untouched', async () => {
    let calls = 0;
    await expect(withContention(async () => (++calls < 3 ? AGAIN : 'won'), { attempts: 3, message: 'x', baseDelayMs: 1 })).resolves.toBe(
      'won',
    );
    const boom = new Error('store down');
    await expect(withContention(async () => Promise.reject(boom), { attempts: 3, message: 'x' })).rejects.toBe(boom);
  });
});
