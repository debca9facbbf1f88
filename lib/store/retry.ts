import { setTimeout as sleep } from 'node:timers/promises';
import { Contention } from '../errors';

/** What an attempt returns when it lost a race (a condition failure) and should be tried again on fresh state. */
export const AGAIN: unique symbol = Symbol('again');
export type Attempt<T> = T | typeof AGAIN;

export interface ContentionOptions {
  /** How many times `op` runs at most (the first try included). */
  attempts: number;
  /** The 409's message when every attempt lost. */
  message: string;
  /** Base of the jittered exponential backoff between attempts, in ms. */
  baseDelayMs?: number;
  /** The most the backoff's window grows to, in ms (many attempts stay quick). */
  maxDelayMs?: number;
}

/**
 * The one bounded retry for contention loops: runs `op(attempt)` until it returns
 * something other than AGAIN, sleeping a full-jitter backoff (random in
 * [0, min(base·2^attempt, max))) between tries. Out of attempts it throws Contention (409 with
 * Retry-After), never a plain error. Anything `op` throws passes through untouched.
 */
export async function withContention<T>(op: (attempt: number) => Promise<Attempt<T>>, options: ContentionOptions): Promise<T> {
  const base = options.baseDelayMs ?? 10;
  const max = options.maxDelayMs ?? Infinity;
  for (let attempt = 0; attempt < options.attempts; attempt++) {
    if (attempt > 0) await sleep(Math.random() * Math.min(max, base * 2 ** attempt));
    const result = await op(attempt);
    if (result !== AGAIN) return result;
  }
  throw new Contention(options.message);
}
