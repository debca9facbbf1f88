import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createLocalTable } from '../support/table';

// The lease code reads its table and store from the environment at import, as on Lambda.
process.env.DYNAMODB_ENDPOINT = inject('dynamodbEndpoint');
process.env.TABLE_NAME = `leases-${randomBytes(4).toString('hex')}`;
process.env.MAX_LEASES_PER_NODE = '3';
const { documents, TABLE } = await import('../../lib/store/client');
const { keys } = await import('../../lib/store/keys');
const use = await import('../../lib/leases/use-cases');
const repo = await import('../../lib/leases/lease-store');
const { releaseLease } = await import('../../lib/drain/lease-release');
const { PutCommand, UpdateCommand } = await import('@aws-sdk/lib-dynamodb');

/** The credential hash each seeded member's node acts under. */
const cred = (nodeId: number) => `hash-of-node-${nodeId}`;
const { memberToItem } = await import('../../lib/cluster/member');
const { memberAt } = await import('../support/member');
/** An active voter as a join writes it, holding its node's credential. */
const member = (nodeId: number) =>
  documents.send(
    new PutCommand({
      TableName: TABLE,
      Item: memberToItem(memberAt(nodeId, Date.now(), { suffrage: 'voter' }), {
        credentialHash: cred(nodeId),
        credentialId: `id-${nodeId}`,
        joinedJti: `jti-${nodeId}`,
      }),
    }),
  );
/** The member's drain state as a drain writes it (a draining member has a deadline). */
const setDrain = (nodeId: number, drainState: string) =>
  documents.send(
    new UpdateCommand({
      TableName: TABLE,
      Key: keys.member(nodeId),
      UpdateExpression: 'SET drainState = :d, drainDeadline = :deadline, drainUpdatedAt = :now',
      ExpressionAttributeValues: { ':d': drainState, ':deadline': Date.now() + 600_000, ':now': Date.now() },
    }),
  );
const conflict = { statusCode: 409 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  await createLocalTable(process.env.TABLE_NAME!);
  for (let id = 1; id <= 60; id++) await member(id);
});

describe('leases against DynamoDB Local', () => {
  it('acquires a free lease, refuses it to others while held, and keeps its range id once given', async () => {
    const a = await use.putLease({ name: 'db:primary', nodeId: 1, credentialHash: cred(1), ttlSeconds: 60 });
    expect(a).toMatchObject({ name: 'db:primary', holder: 1 });
    expect(a.rangeId).toBeGreaterThan(0);
    await expect(use.putLease({ name: 'db:primary', nodeId: 2, credentialHash: cred(2), ttlSeconds: 60 })).rejects.toMatchObject(conflict);
    expect((await repo.getByRange(a.rangeId))?.name).toBe('db:primary');
  });

  it('renews for its holder keeping the token, and refuses a stale token', async () => {
    const a = await use.putLease({ name: 'renewed', nodeId: 1, credentialHash: cred(1), ttlSeconds: 60 });
    const again = await use.putLease({ name: 'renewed', nodeId: 1, credentialHash: cred(1), ttlSeconds: 120 });
    expect(again.fencingToken).toBe(a.fencingToken);
    expect(Date.parse(again.expiresAt!)).toBeGreaterThan(Date.parse(a.expiresAt!));
    const withToken = await use.putLease({
      name: 'renewed',
      nodeId: 1,
      credentialHash: cred(1),
      ttlSeconds: 60,
      fencingToken: a.fencingToken,
    });
    expect(withToken.fencingToken).toBe(a.fencingToken);
    await expect(
      use.putLease({ name: 'renewed', nodeId: 1, credentialHash: cred(1), ttlSeconds: 60, fencingToken: a.fencingToken - 1 }),
    ).rejects.toMatchObject(conflict);
  });

  it('hands an expired lease to the next node with a strictly greater token', async () => {
    const a = await use.putLease({ name: 'short', nodeId: 1, credentialHash: cred(1), ttlSeconds: 1 });
    await sleep(1_300);
    await expect(
      use.putLease({ name: 'short', nodeId: 1, credentialHash: cred(1), ttlSeconds: 60, fencingToken: a.fencingToken }),
    ).rejects.toMatchObject(conflict);
    const b = await use.putLease({ name: 'short', nodeId: 2, credentialHash: cred(2), ttlSeconds: 60 });
    expect(b.holder).toBe(2);
    expect(b.fencingToken).toBeGreaterThan(a.fencingToken);
    expect(b.rangeId).toBe(a.rangeId);
  });

  it('releases only with the current token, after which another node may take it', async () => {
    const a = await use.putLease({ name: 'released', nodeId: 3, credentialHash: cred(3), ttlSeconds: 60 });
    await expect(
      releaseLease({ name: 'released', nodeId: 3, credentialHash: cred(3), fencingToken: a.fencingToken + 1 }),
    ).rejects.toMatchObject(conflict);
    await expect(
      releaseLease({ name: 'released', nodeId: 4, credentialHash: cred(4), fencingToken: a.fencingToken }),
    ).rejects.toMatchObject(conflict);
    expect(await releaseLease({ name: 'released', nodeId: 3, credentialHash: cred(3), fencingToken: a.fencingToken })).toMatchObject({
      holder: null,
    });
    const b = await use.putLease({ name: 'released', nodeId: 4, credentialHash: cred(4), ttlSeconds: 60 });
    expect(b.fencingToken).toBeGreaterThan(a.fencingToken);
  });

  it('refuses a lease to a draining member, which may still renew and release what it holds', async () => {
    await member(40);
    const held = await use.putLease({ name: 'kept-while-draining', nodeId: 40, credentialHash: cred(40), ttlSeconds: 60 });
    await setDrain(40, 'draining');
    await expect(use.putLease({ name: 'new-while-draining', nodeId: 40, credentialHash: cred(40), ttlSeconds: 60 })).rejects.toMatchObject({
      statusCode: 409,
      message: expect.stringMatching(/draining/),
    });
    expect(
      await use.putLease({
        name: 'kept-while-draining',
        nodeId: 40,
        credentialHash: cred(40),
        ttlSeconds: 60,
        fencingToken: held.fencingToken,
      }),
    ).toMatchObject({
      holder: 40,
    });
    expect(
      await releaseLease({ name: 'kept-while-draining', nodeId: 40, credentialHash: cred(40), fencingToken: held.fencingToken }),
    ).toMatchObject({
      holder: null,
    });
  });

  it('refuses a lease to a node that is not a member, or under a credential that is not its own', async () => {
    await expect(use.putLease({ name: 'orphan', nodeId: 999, credentialHash: cred(999), ttlSeconds: 60 })).rejects.toMatchObject({
      statusCode: 401,
    });
    await expect(use.putLease({ name: 'orphan', nodeId: 1, credentialHash: cred(2), ttlSeconds: 60 })).rejects.toMatchObject({
      statusCode: 401,
    });
  });

  it('bounds what one node holds by MAX_LEASES_PER_NODE', async () => {
    await member(50);
    for (const n of ['m1', 'm2', 'm3']) await use.putLease({ name: n, nodeId: 50, credentialHash: cred(50), ttlSeconds: 60 });
    await sleep(200); // the holder index is eventually consistent
    await expect(use.putLease({ name: 'm4', nodeId: 50, credentialHash: cred(50), ttlSeconds: 60 })).rejects.toMatchObject({
      statusCode: 409,
      message: /MAX_LEASES_PER_NODE/,
    });
    expect(await use.putLease({ name: 'm1', nodeId: 50, credentialHash: cred(50), ttlSeconds: 60 })).toMatchObject({ holder: 50 });
  });

  it('revokes every lease of a holder, moving its fencing tokens on', async () => {
    await member(30);
    const a = await use.putLease({ name: 'r1', nodeId: 30, credentialHash: cred(30), ttlSeconds: 60 });
    await use.putLease({ name: 'r2', nodeId: 30, credentialHash: cred(30), ttlSeconds: 60 });
    await sleep(200);
    expect((await use.activeLeaseCounts(30, 30)).get(30)).toBe(2);
    expect((await repo.revokeAll(30, Date.now())).sort()).toEqual(['r1', 'r2']);
    await expect(
      use.putLease({ name: 'r1', nodeId: 30, credentialHash: cred(30), ttlSeconds: 60, fencingToken: a.fencingToken }),
    ).rejects.toMatchObject(conflict);
    expect((await repo.get('r1', true))!.fencingToken).toBeGreaterThan(a.fencingToken);
    await sleep(200);
    expect((await use.activeLeaseCounts(30, 30)).get(30)).toBeUndefined();
  });

  it('gives every new lease a range id of its own, once, also when created concurrently', async () => {
    const created = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        use.putLease({ name: `range-${i}`, nodeId: 51 + i, credentialHash: cred(51 + i), ttlSeconds: 60 }),
      ),
    );
    const ids = created.map((l) => l.rangeId);
    expect(new Set(ids).size).toBe(10);
    for (const [i, id] of ids.entries()) expect((await repo.getByRange(id))?.name).toBe(`range-${i}`);
    // A renewal answers the same range id.
    await sleep(10);
    const renewed = await use.putLease({ name: 'range-0', nodeId: 51, credentialHash: cred(51), ttlSeconds: 60 });
    expect(renewed.rangeId).toBe(ids[0]);
  });

  it('gives one lease to exactly one of 50 racing nodes, with more than 10 in flight', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => use.putLease({ name: 'contended', nodeId: i + 1, credentialHash: cred(i + 1), ttlSeconds: 60 })),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject(conflict);
    const lease = await repo.get('contended', true);
    expect(lease?.holder).toBe((won[0] as PromiseFulfilledResult<{ holder: number }>).value.holder);
  });
});
