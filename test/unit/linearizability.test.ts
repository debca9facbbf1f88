import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkKey,
  checkLinearizable,
  describeResult,
  drainModel,
  joinModel,
  leaseModel,
  partition,
  recorder,
  type DrainInput,
  type DrainOutput,
  type JoinInput,
  type JoinOutput,
  type LeaseInput,
  type LeaseOutput,
  type Model,
  type Operation,
} from '../support/linearizability';

/** One operation on key `key` by `client`, in flight from `from` to `to`; output undefined: unknown outcome. */
const op = <I, O>(client: number, input: I, output: O | undefined, from: number, to: number, key = 'k'): Operation<I, O> => ({
  client,
  key,
  input,
  output,
  invokedAt: from,
  completedAt: output === undefined ? Infinity : to,
});

// A read/write register, the textbook object: a model with `step` only.
type RegisterInput = { write: number } | { read: true };
type RegisterOutput = number | 'ok';
const reg = (client: number, input: RegisterInput, output: RegisterOutput | undefined, from: number, to: number, key?: string) =>
  op<RegisterInput, RegisterOutput>(client, input, output, from, to, key);
const register: Model<number, RegisterInput, RegisterOutput> = {
  init: () => 0,
  step: (s, input) => ('write' in input ? { state: input.write, output: 'ok' } : { state: s, output: s }),
};
const write = (v: number) => ({ write: v });
const read = { read: true } as const;

describe('the checker, on a register', () => {
  it('accepts a read that overlaps a write and sees either value', () => {
    for (const seen of [0, 1]) {
      expect(checkLinearizable([reg(1, write(1), 'ok', 0, 10), reg(2, read, seen, 1, 5)], register)).toEqual({ ok: true });
    }
  });

  it('accepts concurrent writes read in an order the overlaps allow', () => {
    const h = [reg(1, write(1), 'ok', 0, 10), reg(2, write(2), 'ok', 0, 10), reg(3, read, 1, 11, 12), reg(3, read, 1, 13, 14)];
    expect(checkLinearizable(h, register)).toEqual({ ok: true });
  });

  it('rejects a read of a value never written', () => {
    const verdict = checkLinearizable([reg(1, write(1), 'ok', 0, 10), reg(2, read, 7, 1, 5)], register);
    expect(verdict).toMatchObject({ ok: false, verdict: 'not-linearizable', key: 'k' });
  });

  it('rejects a stale read after a completed write', () => {
    const verdict = checkLinearizable([reg(1, write(1), 'ok', 0, 1), reg(2, read, 0, 2, 3)], register);
    expect(verdict.ok).toBe(false);
  });

  it('rejects reads that see two concurrent writes in opposite orders', () => {
    const h = [
      reg(1, write(1), 'ok', 0, 10),
      reg(2, write(2), 'ok', 0, 10),
      reg(3, read, 1, 11, 12),
      reg(4, read, 2, 13, 14),
      reg(3, read, 1, 15, 16),
    ];
    expect(checkLinearizable(h, register).ok).toBe(false);
  });

  it('explains a violation: the longest linearization found and the operation that did not fit', () => {
    const verdict = checkLinearizable([reg(1, write(1), 'ok', 0, 1), reg(2, read, 0, 2, 3)], register);
    if (verdict.ok || verdict.verdict !== 'not-linearizable') throw new Error('expected a violation');
    expect(verdict.violation.linearized.map((o) => o.input)).toEqual([write(1)]);
    expect(verdict.violation.state).toBe(1);
    expect(verdict.violation.stuckAt.input).toEqual(read);
    expect(describeResult(verdict)).toMatch(/not linearizable on key k[\s\S]*stuck at the completion of: client 2: \{"read":true\} -> 0/);
  });

  it('places an unknown outcome anywhere after its call, or nowhere', () => {
    // The write's answer was lost: a later read may see it or not.
    expect(checkLinearizable([reg(1, write(1), undefined, 0, 0), reg(2, read, 1, 5, 6)], register)).toEqual({ ok: true });
    expect(checkLinearizable([reg(1, write(1), undefined, 0, 0), reg(2, read, 0, 5, 6)], register)).toEqual({ ok: true });
    // But not before it was called.
    expect(checkLinearizable([reg(2, read, 1, 0, 1), reg(1, write(1), undefined, 2, 2)], register).ok).toBe(false);
  });

  it('reports a spent step budget as a timeout, not as a violation', () => {
    const h = Array.from({ length: 12 }, (_, i) => reg(i, write(i), 'ok', 0, 100)).concat(reg(99, read, 42, 101, 102));
    expect(checkLinearizable(h, register, { budget: 50 })).toMatchObject({ ok: false, verdict: 'timeout', key: 'k' });
    expect(checkLinearizable(h, register)).toMatchObject({ ok: false, verdict: 'not-linearizable' });
  });

  it('checks a long history with about ten operations in flight at once within the default budget', () => {
    // 400 operations of a sequential run, each call and answer moved out by up to 10 time units (2 per operation).
    let seed = 7;
    const jitter = () => ((seed = (seed * 48271) % 2147483647) / 2147483647) * 10;
    const inputs = Array.from({ length: 400 }, (_, i) => (i % 3 === 0 ? write(i) : read));
    const h = run(
      register,
      inputs,
      inputs.map(() => [jitter(), jitter()]),
    );
    expect(checkKey(register, h).verdict).toBe('linearizable');
    h[200]!.output = h[200]!.output === 'ok' ? 'ok' : -1;
    h[201]!.output = h[201]!.output === 'ok' ? 'ok' : -1;
    expect(checkKey(register, h).verdict).toBe('not-linearizable');
  });

  it('refuses a history whose operation completes before it is called', () => {
    expect(() => checkLinearizable([reg(1, write(1), 'ok', 5, 1)], register)).toThrow(/completes before it is invoked/);
  });
});

describe('per key', () => {
  it('splits a history by key', () => {
    const h = [reg(1, read, 0, 0, 1, 'a'), reg(1, read, 0, 0, 1, 'b'), reg(2, read, 0, 2, 3, 'a')];
    expect([...partition(h)].map(([k, ops]) => [k, ops.length])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
  });

  it('checks each key on its own and names the one that broke', () => {
    // Each key alone is fine, or not; across keys the same values would be a violation of one register.
    const h = [reg(1, write(1), 'ok', 0, 1, 'a'), reg(2, read, 0, 2, 3, 'b'), reg(3, read, 1, 2, 3, 'a'), reg(4, read, 5, 4, 5, 'c')];
    expect(checkLinearizable(h, register)).toMatchObject({ ok: false, key: 'c' });
    expect(checkLinearizable(h.slice(0, 3), register)).toEqual({ ok: true });
  });
});

type LeaseOp = Operation<LeaseInput, LeaseOutput>;
const acquire = (node: number) => ({ kind: 'acquire', node }) as const;
const release = (node: number, token: number) => ({ kind: 'release', node, token }) as const;
const renew = (node: number, token: number) => ({ kind: 'renew', node, token }) as const;
const readLease = { kind: 'read' } as const;
const leases = (h: LeaseOp[]) => checkLinearizable(h, leaseModel);
const lop = (client: number, input: LeaseInput, output: LeaseOutput | undefined, from: number, to: number) =>
  op<LeaseInput, LeaseOutput>(client, input, output, from, to);

describe('the lease model', () => {
  it('accepts overlapping acquires where exactly one wins, then a renew, a release and a new holder with a larger token', () => {
    const h: LeaseOp[] = [
      lop(1, acquire(1), { status: 200, token: 1000 }, 0, 10),
      lop(2, acquire(2), { status: 409 }, 1, 9),
      lop(1, acquire(1), { status: 200, token: 1000 }, 11, 12),
      lop(1, renew(1, 1000), { status: 200, token: 1000 }, 13, 14),
      lop(2, release(2, 1000), { status: 409 }, 13, 14),
      lop(1, release(1, 1000), { status: 200 }, 15, 16),
      lop(3, readLease, { status: 200, holder: null, token: 1000 }, 17, 18),
      lop(2, acquire(2), { status: 200, token: 2000 }, 19, 20),
      lop(3, readLease, { status: 200, holder: 2, token: 2000 }, 21, 22),
    ];
    expect(leases(h)).toEqual({ ok: true });
  });

  it('rejects two acquires that both succeed while they overlap', () => {
    const verdict = leases([lop(1, acquire(1), { status: 200, token: 5 }, 0, 10), lop(2, acquire(2), { status: 200, token: 6 }, 1, 9)]);
    expect(verdict).toMatchObject({ ok: false, verdict: 'not-linearizable' });
  });

  it('rejects a fencing token that goes backwards at a change of holder', () => {
    const h: LeaseOp[] = [
      lop(1, acquire(1), { status: 200, token: 9 }, 0, 1),
      lop(1, release(1, 9), { status: 200 }, 2, 3),
      lop(2, acquire(2), { status: 200, token: 7 }, 4, 5),
    ];
    expect(leases(h).ok).toBe(false);
    expect(leases([...h.slice(0, 2), lop(2, acquire(2), { status: 200, token: 9 }, 4, 5)]).ok).toBe(false); // equal is not larger
  });

  it('rejects a renew that changes the token, and a release with a stale token that succeeds', () => {
    expect(leases([lop(1, acquire(1), { status: 200, token: 9 }, 0, 1), lop(1, acquire(1), { status: 200, token: 10 }, 2, 3)]).ok).toBe(
      false,
    );
    const stale: LeaseOp[] = [
      lop(1, acquire(1), { status: 200, token: 9 }, 0, 1),
      lop(1, release(1, 9), { status: 200 }, 2, 3),
      lop(2, acquire(2), { status: 200, token: 12 }, 4, 5),
      lop(1, release(1, 9), { status: 200 }, 6, 7),
    ];
    expect(leases(stale).ok).toBe(false);
  });

  it('rejects a stale read after a completed release', () => {
    const h: LeaseOp[] = [
      lop(1, acquire(1), { status: 200, token: 5 }, 0, 1),
      lop(1, release(1, 5), { status: 200 }, 2, 3),
      lop(2, readLease, { status: 200, holder: 1, token: 5 }, 4, 5),
    ];
    expect(leases(h).ok).toBe(false);
  });

  it('lets an acquire whose answer was lost take effect, or not', () => {
    // Node 2's refusal is explained only by node 1's lost acquire having taken effect ...
    expect(leases([lop(1, acquire(1), undefined, 0, 0), lop(2, acquire(2), { status: 409 }, 5, 6)])).toEqual({ ok: true });
    expect(leases([lop(2, acquire(2), { status: 409 }, 5, 6)]).ok).toBe(false);
    // ... and node 2's success by it not having (yet).
    expect(leases([lop(1, acquire(1), undefined, 0, 0), lop(2, acquire(2), { status: 200, token: 3 }, 5, 6)])).toEqual({ ok: true });
  });

  it('learns the token of a lost acquire from a later answer, and holds it to it', () => {
    const lost = lop(1, acquire(1), undefined, 0, 0);
    const seen = lop(3, readLease, { status: 200, holder: 1, token: 40 }, 5, 6);
    expect(leases([lost, seen, lop(1, release(1, 40), { status: 200 }, 7, 8)])).toEqual({ ok: true });
    expect(leases([lost, seen, lop(3, readLease, { status: 200, holder: 1, token: 41 }, 7, 8)]).ok).toBe(false);
    // The next holder's token must be above the one learnt.
    expect(
      leases([lost, seen, lop(1, release(1, 40), { status: 200 }, 7, 8), lop(2, acquire(2), { status: 200, token: 30 }, 9, 10)]).ok,
    ).toBe(false);
  });
});

const redeem = (key?: string): JoinInput => (key === undefined ? {} : { key });
const jop = (client: number, input: JoinInput, output: JoinOutput | undefined, from: number, to: number) =>
  op<JoinInput, JoinOutput>(client, input, output, from, to);
const joins = (h: Operation<JoinInput, JoinOutput>[]) => checkLinearizable(h, joinModel);

describe('the join-token model', () => {
  it('accepts one 201 among concurrent redemptions, and 201 again for the winner’s Idempotency-Key', () => {
    const h = [
      jop(1, redeem('boot-1'), { status: 401 }, 0, 10),
      jop(2, redeem('boot-2'), { status: 201 }, 0, 10),
      jop(3, redeem(), { status: 401 }, 0, 10),
      jop(2, redeem('boot-2'), { status: 201 }, 11, 12),
      jop(1, redeem('boot-1'), { status: 401 }, 11, 12),
    ];
    expect(joins(h)).toEqual({ ok: true });
  });

  it('rejects two 201s for one token', () => {
    expect(joins([jop(1, redeem('a'), { status: 201 }, 0, 10), jop(2, redeem('b'), { status: 201 }, 1, 9)]).ok).toBe(false);
    expect(joins([jop(1, redeem(), { status: 201 }, 0, 1), jop(1, redeem(), { status: 201 }, 2, 3)]).ok).toBe(false);
  });

  it('rejects a false "token already used": 401 to the winner’s key, or 401 before anyone redeemed', () => {
    expect(joins([jop(1, redeem('a'), { status: 201 }, 0, 1), jop(1, redeem('a'), { status: 401 }, 2, 3)]).ok).toBe(false);
    expect(joins([jop(1, redeem('a'), { status: 401 }, 0, 1), jop(2, redeem('b'), { status: 201 }, 2, 3)]).ok).toBe(false);
  });

  it('explains a 401 by a redemption whose answer was lost', () => {
    expect(joins([jop(1, redeem('a'), undefined, 0, 0), jop(2, redeem('b'), { status: 401 }, 5, 6)])).toEqual({ ok: true });
    expect(
      joins([jop(1, redeem('a'), undefined, 0, 0), jop(1, redeem('a'), { status: 201 }, 5, 6), jop(2, redeem(), { status: 401 }, 7, 8)]),
    ).toEqual({
      ok: true,
    });
  });
});

const dop = (client: number, input: DrainInput, output: DrainOutput | undefined, from: number, to: number) =>
  op<DrainInput, DrainOutput>(client, input, output, from, to);
const drains = (h: Operation<DrainInput, DrainOutput>[]) => checkLinearizable(h, drainModel);

describe('the drain model', () => {
  it('accepts idempotent drains, a background completion, and a resume', () => {
    const h = [
      dop(1, { kind: 'drain', deadlineSeconds: 60 }, { status: 200, drainState: 'draining' }, 0, 1),
      dop(2, { kind: 'drain', deadlineSeconds: 60 }, { status: 200, drainState: 'draining' }, 2, 3),
      dop(3, { kind: 'read' }, { status: 200, drainState: 'drained' }, 4, 5),
      dop(2, { kind: 'drain' }, { status: 200, drainState: 'drained' }, 6, 7),
      dop(1, { kind: 'resume' }, { status: 200 }, 8, 9),
      dop(3, { kind: 'read' }, { status: 200, drainState: 'active' }, 10, 11),
    ];
    expect(drains(h)).toEqual({ ok: true });
  });

  it('rejects a member that goes back from drained to draining, or reads draining after a completed resume', () => {
    const drained = dop(1, { kind: 'drain' }, { status: 200, drainState: 'drained' }, 0, 1);
    expect(drains([drained, dop(3, { kind: 'read' }, { status: 200, drainState: 'draining' }, 2, 3)]).ok).toBe(false);
    const resumed = dop(2, { kind: 'resume' }, { status: 200 }, 2, 3);
    expect(drains([drained, resumed, dop(3, { kind: 'read' }, { status: 200, drainState: 'drained' }, 4, 5)]).ok).toBe(false);
    expect(drains([drained, resumed, dop(3, { kind: 'read' }, { status: 200, drainState: 'active' }, 4, 5)])).toEqual({
      ok: true,
    });
  });
});

describe('the recorder', () => {
  it('stamps calls and answers, and records a throw or a timeout as an unknown outcome', async () => {
    let clock = 0;
    const rec = recorder<string, string>(() => ++clock);
    await rec.record(1, 'k', 'fine', async () => 'done');
    await expect(rec.record(2, 'k', 'boom', async () => Promise.reject(new Error('reset')))).rejects.toThrow('reset');
    expect(await rec.record(3, 'k', 'slow', () => new Promise<string>(() => {}), { timeoutMs: 5 })).toBeUndefined();
    expect(await rec.record(4, 'k', 'busy', async () => undefined)).toBeUndefined();
    expect(rec.history).toEqual([
      { client: 1, key: 'k', input: 'fine', output: 'done', invokedAt: 1, completedAt: 2 },
      { client: 2, key: 'k', input: 'boom', output: undefined, invokedAt: 3, completedAt: Infinity },
      { client: 3, key: 'k', input: 'slow', output: undefined, invokedAt: 4, completedAt: Infinity },
      { client: 4, key: 'k', input: 'busy', output: undefined, invokedAt: 5, completedAt: Infinity },
    ]);
  });
});

/**
 * A history from a truly sequential run of `model` (its linearization point i at time 2i),
 * each call and answer moved out by random amounts: still linearizable by construction.
 */
function run<S, I, O>(model: Model<S, I, O>, inputs: I[], spread: [number, number][]): Operation<I, O>[] {
  let state = model.init();
  return inputs.map((input, i) => {
    const { state: next, output } = model.step(state, input);
    state = next;
    const [early, late] = spread[i] ?? [0, 0];
    return op(i % 5, input, output, 2 * i - early, 2 * i + late);
  });
}

const spreads = (n: number) =>
  fc.array(fc.tuple(fc.double({ min: 0, max: 8, noNaN: true }), fc.double({ min: 0, max: 8, noNaN: true })), {
    minLength: n,
    maxLength: n,
  });
const leaseInput: fc.Arbitrary<LeaseInput> = fc.oneof(
  fc.integer({ min: 1, max: 3 }).map(acquire),
  fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 4 })).map(([n, t]) => release(n, t)),
  fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 4 })).map(([n, t]) => renew(n, t)),
  fc.constant(readLease),
);
const drainInput: fc.Arbitrary<DrainInput> = fc.oneof(
  fc.constantFrom(0, 30).map((deadlineSeconds) => ({ kind: 'drain' as const, deadlineSeconds })),
  fc.constant({ kind: 'resume' as const }),
  fc.constant({ kind: 'read' as const }),
);
const joinInput: fc.Arbitrary<JoinInput> = fc.option(fc.constantFrom('a', 'b'), { nil: undefined }).map(redeem);

describe('properties', () => {
  it('accepts every sequential run of each model, however much its operations overlap', () => {
    const accepts = <S, I, O>(model: Model<S, I, O>, input: fc.Arbitrary<I>) =>
      fc.assert(
        fc.property(
          fc.array(input, { maxLength: 30 }).chain((inputs) => fc.tuple(fc.constant(inputs), spreads(inputs.length))),
          ([inputs, spread]) => {
            const verdict = checkLinearizable(run(model, inputs, spread), model);
            expect(verdict, describeResult(verdict)).toEqual({ ok: true });
          },
        ),
        { numRuns: 150 },
      );
    accepts(leaseModel, leaseInput);
    accepts(drainModel, drainInput);
    accepts(joinModel, joinInput);
    accepts(register, fc.oneof(fc.integer({ min: 1, max: 3 }).map(write), fc.constant(read)));
  });

  it('rejects a sequential register history once a read returns a value never written', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 1, max: 3 }).map(write), fc.constant(read)), { maxLength: 30 }),
        fc.nat(),
        (inputs, pick) => {
          const history = run(register, [...inputs, read], []);
          const reads = history.filter((o) => 'read' in o.input);
          reads[pick % reads.length]!.output = 99;
          expect(checkLinearizable(history, register).ok).toBe(false);
        },
      ),
      { numRuns: 150 },
    );
  });
});
