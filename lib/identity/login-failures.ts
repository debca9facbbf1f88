import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { documents, TABLE } from '../store/client';
import { conditionFailure } from '../store/conditions';
import { keys } from '../store/keys';
import {
  freeSlots,
  lockedFor,
  LOGIN_ATTEMPT_SECONDS,
  LOGIN_FAILURE_LIMIT,
  LOGIN_WINDOW_SECONDS,
  type LoginSlot,
  type LoginSlots,
} from './rules';

/**
 * Login slots per email, known or not (throttling only known ones would say which exist):
 * one item, one attribute per slot. A password is hashed only under a slot taken by a
 * conditional write, so failures plus attempts in flight never exceed LOGIN_FAILURE_LIMIT,
 * whatever the concurrency. A success gives its slot back; a failure keeps it for the window.
 */

const slotName = (i: number) => `slot${i}`;

export function slotsFromItem(item: Record<string, unknown> | undefined): LoginSlots {
  return Array.from({ length: LOGIN_FAILURE_LIMIT }, (_, i) => {
    const s = item?.[slotName(i)] as Record<string, unknown> | undefined;
    return s ? { id: String(s.id), until: Number(s.until), failed: s.failed === true } : undefined;
  });
}

/** The item outlives every slot in it: a failure is held the window from its write. */
const ttl = (now: number) => Math.floor(now / 1000) + LOGIN_WINDOW_SECONDS + LOGIN_ATTEMPT_SECONDS;

/** A slot taken: its number and the id that proves it is still this attempt's. */
export interface Held {
  email: string;
  slot: number;
  id: string;
}

/** A slot taken; or every slot a failure of the window (`seconds` until the oldest frees); or all still in flight after the wait. */
export type SlotOutcome = { kind: 'held'; held: Held } | { kind: 'locked'; seconds: number } | { kind: 'busy' };

/** Tries the free slots `slots` shows, one conditional write each; a lost race reads the item back from the failure. */
async function reserve(email: string, slots: LoginSlots): Promise<SlotOutcome> {
  let known = slots;
  for (let tries = 0; tries <= LOGIN_FAILURE_LIMIT; tries++) {
    const now = Date.now();
    const free = freeSlots(known, now);
    if (free.length === 0) {
      const seconds = lockedFor(known, now);
      return seconds > 0 ? { kind: 'locked', seconds } : { kind: 'busy' };
    }
    // A random free slot: concurrent attempts that read the same item spread out.
    const slot = free[Math.floor(Math.random() * free.length)]!;
    const id = randomBytes(9).toString('base64url');
    const value: LoginSlot = { id, until: now + LOGIN_ATTEMPT_SECONDS * 1000, failed: false };
    try {
      await documents.send(
        new UpdateCommand({
          TableName: TABLE,
          Key: keys.loginFailures(email),
          UpdateExpression: 'SET #slot = :slot, expiresAt = :ttl',
          // The slot is taken only while nobody holds it: never, or held past its time.
          ConditionExpression: 'attribute_not_exists(#slot) OR #slot.#until <= :now',
          ExpressionAttributeNames: { '#slot': slotName(slot), '#until': 'until' },
          ExpressionAttributeValues: { ':slot': value, ':ttl': ttl(now), ':now': now },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { kind: 'held', held: { email, slot, id } };
    } catch (err) {
      const failure = conditionFailure(err);
      if (!failure) throw err;
      known = slotsFromItem(failure.item);
    }
  }
  return { kind: 'busy' };
}

/** How long an attempt waits for an attempt in flight to end before it gives up (then 429). */
const WAIT_MS = 8_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Takes a slot for one password check. All slots failures of the window: locked until the
 * oldest frees. All taken but some in flight: those end within one hash, so the attempt
 * waits for one (a burst of correct logins is slowed, never refused), up to WAIT_MS: busy.
 */
export async function takeSlot(email: string, slots: LoginSlots): Promise<SlotOutcome> {
  const deadline = Date.now() + WAIT_MS;
  let known = slots;
  for (let pause = 20; ; pause = Math.min(pause * 2, 250)) {
    const r = await reserve(email, known);
    if (r.kind !== 'busy' || Date.now() + pause > deadline) return r;
    await sleep(pause / 2 + Math.random() * pause);
    const { Item } = await documents.send(new GetCommand({ TableName: TABLE, Key: keys.loginFailures(email), ConsistentRead: true }));
    known = slotsFromItem(Item);
  }
}

/** A wrong password: the slot stays taken as a failure for the window. */
export async function keepAsFailure(held: Held): Promise<void> {
  const now = Date.now();
  const value: LoginSlot = { id: held.id, until: now + LOGIN_WINDOW_SECONDS * 1000, failed: true };
  await write(held, 'SET #slot = :slot, expiresAt = :ttl', { ':slot': value, ':ttl': ttl(now) });
}

/** A right password (or a check that could not finish): the slot is free again. */
export async function release(held: Held): Promise<void> {
  await write(held, 'REMOVE #slot', {});
}

async function write(held: Held, update: string, values: Record<string, unknown>): Promise<void> {
  try {
    await documents.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: keys.loginFailures(held.email),
        UpdateExpression: update,
        // Only the attempt that took the slot ends it (one held past its time may be another's now).
        ConditionExpression: '#slot.id = :id',
        ExpressionAttributeNames: { '#slot': slotName(held.slot) },
        ExpressionAttributeValues: { ...values, ':id': held.id },
      }),
    );
  } catch (err) {
    // The slot outlived LOGIN_ATTEMPT_SECONDS and was taken again: nothing of this attempt is left.
    if (!conditionFailure(err)) throw err;
  }
}
