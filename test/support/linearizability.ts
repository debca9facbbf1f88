/**
 * A small linearizability checker (Wing & Gong's search with Lowe's memoization, as in
 * Lowe's "Testing for linearizability" and Porcupine), split per key, with sequential
 * models of Roster's leases, join tokens and drains.
 *
 * Record a history from concurrent clients, then check it against a model:
 *
 *   const rec = recorder<LeaseInput, LeaseOutput>();
 *   await rec.record(nodeId, 'lease-a', { kind: 'acquire', node: nodeId }, async () => {
 *     const a = await node.put('/api/v1/leases/lease-a', { ttlSeconds: 3600 });
 *     return a.status >= 500 ? undefined : { status: a.status, ...(a.status === 200 ? { token: a.body.result.fencingToken } : {}) };
 *   });
 *   const verdict = checkLinearizable(rec.history, leaseModel);
 *   expect(verdict, describeResult(verdict)).toEqual({ ok: true });
 *
 * An operation whose outcome is unknown (output `undefined`: it threw, timed out, its
 * response was lost, the store stayed busy) may have taken effect or not: it may be placed
 * anywhere after its invocation, or nowhere, and nothing is compared. Operations that
 * certainly had no effect (a refusal before any write) may simply be left out.
 */

// ---------------------------------------------------------------------------------------
// Histories

export interface Operation<I, O> {
  /** Who called (a node id, a worker index): for messages only. */
  client: string | number;
  /** The object the operation acts on (a lease name, a join token, a member id); each key is checked on its own. */
  key: string;
  input: I;
  /** What the call returned; `undefined`: the outcome is unknown (then `completedAt` is ignored). */
  output: O | undefined;
  /** High-resolution times (performance.now()): the call was made, the answer arrived. */
  invokedAt: number;
  completedAt: number;
}

export type History<I, O> = Operation<I, O>[];

const isUnknown = (op: Operation<unknown, unknown>) => op.output === undefined;

/**
 * Records operations as they run. `record` stamps the invocation, awaits `call`, stamps
 * the completion, and returns what `call` returned. A call that throws, resolves to
 * `undefined` or outlasts `timeoutMs` is recorded with an unknown outcome (an error is
 * rethrown; a timeout resolves to `undefined` while the call goes on in the background).
 * `history` is the live list of what was recorded.
 */
export function recorder<I, O>(now: () => number = () => performance.now()) {
  const history: History<I, O> = [];
  return {
    history: history as Readonly<History<I, O>>,
    async record(
      client: string | number,
      key: string,
      input: I,
      call: () => Promise<O | undefined>,
      options: { timeoutMs?: number } = {},
    ): Promise<O | undefined> {
      const invokedAt = now();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout =
        options.timeoutMs === undefined
          ? undefined
          : new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), options.timeoutMs)));
      try {
        const output = await (timeout ? Promise.race([call(), timeout]) : call());
        history.push({ client, key, input, output, invokedAt, completedAt: output === undefined ? Infinity : now() });
        return output;
      } catch (err) {
        history.push({ client, key, input, output: undefined, invokedAt, completedAt: Infinity });
        throw err;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** The history split by key: each key is an independent object and is checked alone. */
export function partition<I, O>(history: Readonly<History<I, O>>): Map<string, History<I, O>> {
  const byKey = new Map<string, History<I, O>>();
  for (const op of history) {
    const ops = byKey.get(op.key);
    if (ops) ops.push(op);
    else byKey.set(op.key, [op]);
  }
  return byKey;
}

// ---------------------------------------------------------------------------------------
// Models

/**
 * A sequential specification of one object (one key). `step` is what a sequential run
 * does: the next state and the output. `equal` compares the model's output with an
 * observed one (default: equal JSON). A model whose implementation chooses part of the
 * answer (a new fencing token only has to be larger) or acts in the background (a drain
 * completing at its deadline) defines `next` instead: every state consistent with having
 * observed `actual` (`undefined`: the outcome is unknown); none means the observation is
 * impossible from `state`. States are plain data, hashed as JSON unless `hash` is given,
 * and never mutated.
 */
export interface Model<S, I, O> {
  init(): S;
  step(state: S, input: I): { state: S; output: O };
  equal?(expected: O, actual: O): boolean;
  next?(state: S, input: I, actual: O | undefined): S[];
  hash?(state: S): string;
}

const json = (x: unknown): string => JSON.stringify(x);

function successors<S, I, O>(model: Model<S, I, O>, state: S, input: I, actual: O | undefined): S[] {
  if (model.next) return model.next(state, input, actual);
  const { state: after, output } = model.step(state, input);
  if (actual === undefined) return [after];
  return (model.equal ? model.equal(output, actual) : json(output) === json(actual)) ? [after] : [];
}

// ---------------------------------------------------------------------------------------
// The search

export interface Violation<S, I, O> {
  /** The longest linearization found: these operations, in this order, explain their outputs. */
  linearized: Operation<I, O>[];
  /** The model's state after them. */
  state: S;
  /** The operation whose completion the search could not get past: nothing placeable before it explains it. */
  stuckAt: Operation<I, O>;
  /** The operations that could have gone next there (invoked before it completed), none of which fits. */
  candidates: Operation<I, O>[];
}

export type KeyResult<S, I, O> =
  | { verdict: 'linearizable' }
  | { verdict: 'not-linearizable'; violation: Violation<S, I, O> }
  | { verdict: 'timeout'; steps: number };

export type CheckResult<S, I, O> =
  | { ok: true }
  | { ok: false; verdict: 'not-linearizable'; key: string; violation: Violation<S, I, O> }
  /** The step budget ran out on `key` before a verdict: neither a pass nor a proven violation. */
  | { ok: false; verdict: 'timeout'; key: string; steps: number };

/** Default step budget per key: ample for a few hundred concurrent operations on one key. */
export const DEFAULT_BUDGET = 2_000_000;

interface Entry {
  call: boolean;
  id: number;
  time: number;
  prev: Entry | undefined;
  next: Entry | undefined;
  /** A call's return entry. */
  ret?: Entry;
}

/**
 * Whether the operations of one key are linearizable with respect to `model`: the
 * Wing–Gong search over the calls and returns in time order, with Lowe's cache of (set of
 * linearized operations, state) so that no configuration is explored twice.
 */
export function checkKey<S, I, O>(model: Model<S, I, O>, ops: Readonly<History<I, O>>, budget = DEFAULT_BUDGET): KeyResult<S, I, O> {
  const hash = model.hash ?? json;
  // The entry list: a head sentinel, then calls and returns by time. At equal times calls
  // come first, so operations that touch count as concurrent (never a false alarm).
  const entries: Entry[] = [];
  ops.forEach((op, id) => {
    const completedAt = isUnknown(op) ? Infinity : op.completedAt;
    if (!(op.invokedAt <= completedAt)) throw new Error(`operation ${id} on ${op.key} completes before it is invoked`);
    const ret: Entry = { call: false, id, time: completedAt, prev: undefined, next: undefined };
    entries.push({ call: true, id, time: op.invokedAt, prev: undefined, next: undefined, ret }, ret);
  });
  entries.sort((a, b) => a.time - b.time || Number(b.call) - Number(a.call) || a.id - b.id);
  const head: Entry = { call: false, id: -1, time: -Infinity, prev: undefined, next: undefined };
  entries.reduce((prev, e) => ((prev.next = e), (e.prev = prev), e), head);

  const lift = (call: Entry) => {
    for (const e of [call, call.ret!]) {
      e.prev!.next = e.next;
      if (e.next) e.next.prev = e.prev;
    }
  };
  const unlift = (call: Entry) => {
    for (const e of [call.ret!, call]) {
      e.prev!.next = e;
      if (e.next) e.next.prev = e;
    }
  };

  const seen = new Set<string>();
  const frames: { entry: Entry; before: S; options: S[]; chosen: number }[] = [];
  let linearized = 0n;
  let state = model.init();
  // Operations with a known outcome must all be placed; unknown ones may be left out (the
  // same as placing them after everything else: their return is at infinity).
  let knownLeft = ops.filter((op) => !isUnknown(op)).length;
  let best: Violation<S, I, O> | undefined;
  let steps = 0;

  // Takes the first option of `frame` from `from` on that leads somewhere new.
  const advance = (frame: (typeof frames)[number], from: number): boolean => {
    const bit = 1n << BigInt(frame.entry.id);
    for (let i = from; i < frame.options.length; i++) {
      const key = `${(linearized | bit).toString(36)}|${hash(frame.options[i]!)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      frame.chosen = i;
      state = frame.options[i]!;
      linearized |= bit;
      lift(frame.entry);
      if (!isUnknown(ops[frame.entry.id]!)) knownLeft--;
      return true;
    }
    return false;
  };

  let entry = head.next;
  while (knownLeft > 0 && entry) {
    if (++steps > budget) return { verdict: 'timeout', steps };
    if (entry.call) {
      const op = ops[entry.id]!;
      const frame = { entry, before: state, options: successors(model, state, op.input, op.output), chosen: -1 };
      if (advance(frame, 0)) {
        frames.push(frame);
        entry = head.next;
      } else entry = entry.next;
      continue;
    }
    // A return whose call is still pending: that operation had to take effect by now, and
    // nothing placed so far allows it. Note the deepest such dead end, then backtrack.
    if (!best || frames.length > best.linearized.length) {
      const candidates: Operation<I, O>[] = [];
      for (let e = head.next; e && e !== entry; e = e.next) if (e.call) candidates.push(ops[e.id]!);
      best = { linearized: frames.map((f) => ops[f.entry.id]!), state, stuckAt: ops[entry.id]!, candidates };
    }
    let resumed = false;
    while (!resumed && frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      unlift(frame.entry);
      linearized &= ~(1n << BigInt(frame.entry.id));
      state = frame.before;
      if (!isUnknown(ops[frame.entry.id]!)) knownLeft++;
      if (advance(frame, frame.chosen + 1)) {
        entry = head.next;
        resumed = true;
      } else {
        frames.pop();
        entry = frame.entry.next;
        resumed = entry !== undefined;
      }
    }
    if (!resumed) return { verdict: 'not-linearizable', violation: best };
  }
  return { verdict: 'linearizable' };
}

/**
 * Checks every key of `history` on its own against `model`: `{ ok: true }`, or the first
 * key (in name order) that is not linearizable or on which the step budget ran out.
 */
export function checkLinearizable<S, I, O>(
  history: Readonly<History<I, O>>,
  model: Model<S, I, O>,
  options: { budget?: number } = {},
): CheckResult<S, I, O> {
  const keys = [...partition(history)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [key, ops] of keys) {
    const result = checkKey(model, ops, options.budget);
    if (result.verdict === 'not-linearizable') return { ok: false, verdict: result.verdict, key, violation: result.violation };
    if (result.verdict === 'timeout') return { ok: false, verdict: result.verdict, key, steps: result.steps };
  }
  return { ok: true };
}

/** A readable account of a result, for assertion messages. */
export function describeResult<S, I, O>(result: CheckResult<S, I, O>): string {
  if (result.ok) return 'linearizable';
  if (result.verdict === 'timeout') return `no verdict on key ${result.key}: the step budget ran out after ${result.steps} steps`;
  const { violation: v, key } = result;
  const show = (op: Operation<I, O>) =>
    `client ${op.client}: ${json(op.input)} -> ${isUnknown(op) ? '?' : json(op.output)} [${op.invokedAt.toFixed(3)}, ${op.completedAt.toFixed(3)}]`;
  return [
    `not linearizable on key ${key}`,
    `  linearized (${v.linearized.length}):`,
    ...v.linearized.map((op) => `    ${show(op)}`),
    `  state then: ${json(v.state)}`,
    `  stuck at the completion of: ${show(v.stuckAt)}`,
    `  none of these fits next:`,
    ...v.candidates.map((op) => `    ${show(op)}`),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------
// Roster's models (from shared/API.md)

/**
 * A lease (`PUT|DELETE|GET /api/v1/leases/{name}`), for leases whose TTL outlasts the test
 * (say 3600 s): nothing expires, so holding is a matter of acquires and releases only.
 * Outside the model too: revocation (a drain completing, a member removed) and refusals
 * that depend on the member (draining, MAX_LEASES_PER_NODE, a bad credential): keep the
 * member active and under the limit. Record a 5xx as unknown (`undefined`); a lease that
 * does not exist yet reads as free with token 0 (map GET 404 to that, DELETE 404 to 409).
 *
 * Answers: acquire and renew `{status: 200, token}` (PUT, the holder is the caller),
 * release `{status: 200}`, read `{status: 200, holder, token}` (holder null: free), a
 * refusal `{status: 409}`. Fencing tokens are the implementation's choice (microseconds),
 * so the model only knows that a new holder's token is larger than every one before:
 * after an acquire whose outcome is unknown, the state keeps a bound (`exact: false`: the
 * real token is above `token`) until an answer shows it.
 */
export type LeaseInput =
  | { kind: 'acquire'; node: number } // PUT without fencingToken: acquire, or renew what I hold
  | { kind: 'renew'; node: number; token: number } // PUT with fencingToken
  | { kind: 'release'; node: number; token: number } // DELETE ?fencingToken=
  | { kind: 'read' }; // GET

export type LeaseOutput = { status: 200; token?: number; holder?: number | null } | { status: 409 };

export interface LeaseState {
  holder: number | null;
  token: number;
  exact: boolean;
  /** Who released it last: their release under the same token is answered 200 again (a retry). */
  releasedBy?: number;
}

const tokenIs = (s: LeaseState, t: number) => (s.exact ? t === s.token : t > s.token);
const pinned = (s: LeaseState, t: number): LeaseState => ({ ...s, token: t, exact: true });

export const leaseModel: Model<LeaseState, LeaseInput, LeaseOutput> = {
  init: () => ({ holder: null, token: 0, exact: true }),
  // A sequential run picks the smallest legal token.
  step(s, input) {
    switch (input.kind) {
      case 'acquire': {
        if (s.holder === input.node) return { state: s, output: { status: 200, token: s.token } };
        if (s.holder !== null) return { state: s, output: { status: 409 } };
        return { state: { holder: input.node, token: s.token + 1, exact: true }, output: { status: 200, token: s.token + 1 } };
      }
      case 'renew':
        if (s.holder !== input.node || s.token !== input.token) return { state: s, output: { status: 409 } };
        return { state: s, output: { status: 200, token: s.token } };
      case 'release':
        if (s.holder === null && s.releasedBy === input.node && s.token === input.token) return { state: s, output: { status: 200 } };
        if (s.holder !== input.node || s.token !== input.token) return { state: s, output: { status: 409 } };
        return { state: { ...s, holder: null, releasedBy: input.node }, output: { status: 200 } };
      case 'read':
        return { state: s, output: { status: 200, holder: s.holder, token: s.token } };
    }
  },
  next(s, input, actual) {
    const ok = actual?.status === 200 ? actual : undefined;
    const refused = !actual || actual.status === 409;
    switch (input.kind) {
      case 'acquire': {
        if (s.holder === input.node)
          return !actual || (ok?.token !== undefined && tokenIs(s, ok.token)) ? [ok ? pinned(s, ok.token!) : s] : [];
        if (s.holder !== null) return refused ? [s] : [];
        const taken: LeaseState = { holder: input.node, token: s.token, exact: false, releasedBy: undefined };
        if (!actual) return [taken];
        // Strictly above every earlier token (above the bound, when the last one is not known).
        return ok?.token !== undefined && ok.token > s.token ? [pinned(taken, ok.token)] : [];
      }
      case 'renew':
      case 'release': {
        const states: LeaseState[] = [];
        // Releasing again what one released, under the same token, is answered 200 and changes nothing.
        if (input.kind === 'release' && s.holder === null && s.releasedBy === input.node && tokenIs(s, input.token) && (!actual || ok)) {
          return [pinned(s, input.token)];
        }
        const matches = s.holder === input.node && tokenIs(s, input.token);
        const after = pinned(input.kind === 'release' ? { ...s, holder: null, releasedBy: input.node } : s, input.token);
        const answered = input.kind === 'release' ? ok !== undefined : ok?.token === input.token;
        if (matches && (!actual || answered)) states.push(after);
        // A refusal changes nothing (with an inexact token we only learn that it differs).
        if ((s.holder !== input.node || s.token !== input.token || !s.exact) && refused) states.push(s);
        return states;
      }
      case 'read':
        if (!actual) return [s];
        return ok?.token !== undefined && ok.holder === s.holder && tokenIs(s, ok.token) ? [pinned(s, ok.token)] : [];
    }
  },
};

/**
 * A join token (`POST /api/v1/cluster/join`), one key per token: the first redemption
 * wins (201); later ones get 401, except a retry carrying the winner's `Idempotency-Key`
 * (`key`), which gets 201 again. Tokens must outlive the test and their node ids must not
 * become members by another route (that is a 409, not modelled).
 */
export type JoinInput = { key?: string };
export type JoinOutput = { status: number };
export interface JoinState {
  redeemed: boolean;
  /** The winning redemption's Idempotency-Key (null: it had none). */
  winnerKey: string | null;
}

export const joinModel: Model<JoinState, JoinInput, JoinOutput> = {
  init: () => ({ redeemed: false, winnerKey: null }),
  step(s, input) {
    if (!s.redeemed) return { state: { redeemed: true, winnerKey: input.key ?? null }, output: { status: 201 } };
    const again = input.key !== undefined && input.key === s.winnerKey;
    return { state: s, output: { status: again ? 201 : 401 } };
  },
  equal: (expected, actual) => expected.status === actual.status,
};

/**
 * A member's drain state (`POST .../drain`, `POST .../resume`, `GET /cluster/members/{id}`),
 * one key per member. Drain with `deadlineSeconds` 0 (the default) answers `drained`;
 * with a deadline it answers `draining`, or `drained` when the member holds no lease; a
 * draining member may become `drained` at any moment in the background (its last lease
 * released, its deadline passed), a step `next` allows before any operation. Drain is
 * idempotent (a draining or drained member answers its state); resume returns to `active`
 * (`{status: 200}`). Drain a member that is not the leader (or with force): no 409 here.
 */
export type DrainState = 'active' | 'draining' | 'drained';
export type DrainInput = { kind: 'drain'; deadlineSeconds?: number } | { kind: 'resume' } | { kind: 'read' };
export type DrainOutput = { status: number; drainState?: DrainState };

const sameDrainAnswer = (a: DrainOutput, b: DrainOutput) => a.status === b.status && a.drainState === b.drainState;

export const drainModel: Model<DrainState, DrainInput, DrainOutput> = {
  init: () => 'active',
  equal: sameDrainAnswer,
  step(s, input) {
    switch (input.kind) {
      case 'drain': {
        const t: DrainState = s !== 'active' ? s : (input.deadlineSeconds ?? 0) === 0 ? 'drained' : 'draining';
        return { state: t, output: { status: 200, drainState: t } };
      }
      case 'resume':
        return { state: 'active', output: { status: 200 } };
      case 'read':
        return { state: s, output: { status: 200, drainState: s } };
    }
  },
  next(s, input, actual) {
    const states = new Set<DrainState>();
    for (const from of s === 'draining' ? (['draining', 'drained'] as const) : [s]) {
      const sequential = drainModel.step(from, input);
      const outcomes = [sequential];
      // A drain with a deadline may complete before it answers.
      if (input.kind === 'drain' && sequential.state === 'draining')
        outcomes.push({ state: 'drained', output: { status: 200, drainState: 'drained' } });
      for (const o of outcomes) if (!actual || sameDrainAnswer(o.output, actual)) states.add(o.state);
    }
    return [...states];
  },
};
