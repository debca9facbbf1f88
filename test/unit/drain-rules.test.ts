import { describe, expect, it } from 'vitest';
import { drainCheck, executionName } from '../../lib/drain/rules';

describe('drain completion', () => {
  it('is done at once when the member holds no live lease', () => {
    expect(drainCheck({ deadline: 10_000, leaseExpiries: [], now: 0 })).toEqual({ done: true });
    expect(drainCheck({ deadline: 10_000, leaseExpiries: [500], now: 600 })).toEqual({ done: true });
  });

  it('is done once the deadline passes, leases or not', () => {
    expect(drainCheck({ deadline: 1_000, leaseExpiries: [5_000], now: 1_000 })).toEqual({ done: true });
  });

  it('otherwise wakes at the earlier of the deadline and the next lease expiry', () => {
    expect(drainCheck({ deadline: 10_000, leaseExpiries: [7_000, 4_000], now: 0 })).toEqual({ done: false, wakeAt: 4_000 });
    expect(drainCheck({ deadline: 3_000, leaseExpiries: [7_000], now: 0 })).toEqual({ done: false, wakeAt: 3_000 });
  });

  it('names one execution per member and epoch', () => {
    expect(executionName(7, 3)).toBe('drain-7-3');
  });
});
