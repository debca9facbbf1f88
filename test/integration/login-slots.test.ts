import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createLocalTable } from '../support/table';

// The store reads its table from the environment at import, as on Lambda.
process.env.DYNAMODB_ENDPOINT = inject('dynamodbEndpoint');
process.env.TABLE_NAME = `logins-${randomBytes(4).toString('hex')}`;
const { documents, TABLE } = await import('../../lib/store/client');
const { keys } = await import('../../lib/store/keys');
const slots = await import('../../lib/identity/login-failures');
const { LOGIN_FAILURE_LIMIT } = await import('../../lib/identity/rules');
const { GetCommand, PutCommand } = await import('@aws-sdk/lib-dynamodb');

beforeAll(async () => {
  await createLocalTable(process.env.TABLE_NAME!);
});

const read = async (email: string) =>
  slots.slotsFromItem(
    (await documents.send(new GetCommand({ TableName: TABLE, Key: keys.loginFailures(email), ConsistentRead: true }))).Item,
  );
/** The slot an attempt took; failing the test when it took none. */
const held = (outcome: Awaited<ReturnType<typeof slots.takeSlot>>) => {
  if (outcome.kind !== 'held') throw new Error(`no slot: ${outcome.kind}`);
  return outcome.held;
};
/** Seeds an email's slots as a crashed or a finished attempt left them. */
const seed = (email: string, values: Record<string, { id: string; until: number; failed: boolean }>) =>
  documents.send(new PutCommand({ TableName: TABLE, Item: { ...keys.loginFailures(email), ...values } }));

describe('login slots against DynamoDB Local', () => {
  it('hands out at most 5 slots to 30 concurrent attempts; failures keep theirs and then lock the email', async () => {
    const email = 'burst@roster.test';
    const outcomes = await Promise.all(Array.from({ length: 30 }, () => slots.takeSlot(email, [])));
    const held = outcomes.flatMap((o) => (o.kind === 'held' ? [o.held] : []));
    // The first 5 hold their slots and never end: the others wait for them, then give up.
    expect(held).toHaveLength(LOGIN_FAILURE_LIMIT);
    expect(new Set(held.map((h) => h.slot)).size).toBe(LOGIN_FAILURE_LIMIT);
    expect(outcomes.filter((o) => o.kind !== 'held').every((o) => o.kind === 'busy')).toBe(true);

    await Promise.all(held.map((h) => slots.keepAsFailure(h)));
    expect((await read(email)).every((s) => s?.failed)).toBe(true);
    const locked = await slots.takeSlot(email, await read(email));
    expect(locked.kind).toBe('locked');
    expect(locked.kind === 'locked' && locked.seconds).toBeGreaterThan(800);
  }, 30_000);

  it('gives a released slot to the next attempt: successes never use up the limit', async () => {
    const email = 'success@roster.test';
    for (let i = 0; i < 20; i++) await slots.release(held(await slots.takeSlot(email, await read(email))));
    expect((await read(email)).every((s) => s === undefined)).toBe(true);
  });

  it('frees the slot of an attempt that crashed mid-hash once its time is past, and never a live one', async () => {
    const email = 'crashed@roster.test';
    const now = Date.now();
    const failure = { id: 'f', until: now + 900_000, failed: true };
    await seed(email, {
      slot0: failure,
      slot1: failure,
      slot2: failure,
      slot3: failure,
      slot4: { id: 'x', until: now - 1, failed: false },
    });
    const taken = held(await slots.takeSlot(email, await read(email)));
    expect(taken.slot).toBe(4);
    // The crashed attempt ending late changes nothing: the slot is this attempt's now.
    await slots.release({ email, slot: 4, id: 'x' });
    expect((await read(email))[4]?.id).toBe(taken.id);
  });
});
