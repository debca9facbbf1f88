import { randomUUID } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { RosterError } from './errors';
import { call } from './http';
import { Lease, type LeaseHost } from './lease';

export interface DrainContext {
  /** When the server completes the drain regardless; undefined for a drain with no deadline. */
  deadline: Date | undefined;
  /** Aborted when the drain is resumed or the agent stops: stop handing work off. */
  signal: AbortSignal;
}

export interface AgentOptions {
  /** Roster's base URL, e.g. http://127.0.0.1:8080. */
  url: string;
  /**
   * Where heartbeats and leases go when the stack has a node endpoint (its `NodeUrl` output);
   * joining, credential rotation and reads stay on `url`. Defaults to `url`.
   */
  nodeUrl?: string;
  /** Needed only on a node's first start; later starts use the credential in `stateFile`. */
  joinToken?: string;
  /** Where the node credential is kept (mode 0600), so a restart needs no new token. */
  stateFile: string;
  raftAddress: string;
  apiAddress: string;
  binaryVersion: string;
  certFingerprint: string;
  /** Hand work off; when it resolves the agent releases every lease, and the member is drained. */
  onDrain?: (drain: DrainContext) => Promise<void> | void;
}

interface State {
  url: string;
  nodeId?: number;
  nodeToken?: string;
  /** A join sent but not yet answered: a retry reuses its key, so the token is not wasted. */
  pendingJoin?: { idempotencyKey: string };
}

interface JoinAnswer {
  nodeId: number;
  nodeToken: string;
}

interface HeartbeatAnswer {
  drainState: 'active' | 'draining' | 'drained';
  isLeader: boolean;
  leaderNodeId: number;
  raftTerm: number;
  heartbeatIntervalSeconds: number;
}

export type AgentEvent = 'leader' | 'drain' | 'resume' | 'lost' | 'error';

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/**
 * The node side of Roster: joins once, heartbeats at the interval the server advises, keeps
 * leases alive, campaigns, and hands work off when the node is drained. Events: `leader`
 * (detail: the heartbeat answer), `drain`, `resume`, `lost` (detail: the lease), `error`
 * (detail: the error; the agent keeps trying).
 */
export class Agent extends EventTarget {
  readonly nodeId: number;
  #isLeader = false;
  #drainState: HeartbeatAnswer['drainState'] = 'active';
  readonly #options: AgentOptions;
  #token: string;
  readonly #leases = new Set<Lease>();
  readonly #stopped = new AbortController();
  #heartbeatTimer: ReturnType<typeof setTimeout> | undefined;
  #drain: AbortController | undefined;
  readonly #leaseHost: LeaseHost;
  /** Heartbeats and leases: the node endpoint when there is one, else the API. */
  readonly #nodeUrl: string;

  private constructor(options: AgentOptions, nodeId: number, token: string) {
    super();
    this.#options = options;
    this.nodeId = nodeId;
    this.#token = token;
    const current = () => this.#token;
    this.#nodeUrl = options.nodeUrl ?? options.url;
    this.#leaseHost = {
      url: this.#nodeUrl,
      // Read at each renewal, so leases carry on with a rotated credential.
      get token() {
        return current();
      },
      forget: (lease) => void this.#leases.delete(lease),
      report: (error) => this.#report(error),
    };
  }

  /** Joins (or rejoins from the state file), sends a first heartbeat, and keeps heartbeating. */
  static async start(options: AgentOptions): Promise<Agent> {
    const state = await readState(options.stateFile, options.url);
    let credential = state.nodeId !== undefined && state.nodeToken ? { nodeId: state.nodeId, nodeToken: state.nodeToken } : undefined;
    if (!credential) credential = await join(options, state);
    const agent = new Agent(options, credential.nodeId, credential.nodeToken);
    await agent.#beat();
    return agent;
  }

  get isLeader(): boolean {
    return this.#isLeader;
  }

  get drainState(): HeartbeatAnswer['drainState'] {
    return this.#drainState;
  }

  /** Takes a free lease (or renews this node's own) and keeps it alive until released or lost. */
  async acquire(name: string, { ttlSeconds }: { ttlSeconds: number }): Promise<Lease> {
    if (this.#drainState !== 'active') throw new RosterError(409, `node ${this.nodeId} is ${this.#drainState}: it acquires nothing new`);
    const startedAt = performance.now();
    const answer = await call<ConstructorParameters<typeof Lease>[1]>(this.#nodeUrl, {
      method: 'PUT',
      path: `/api/v1/leases/${encodeURIComponent(name)}`,
      token: this.#token,
      body: { ttlSeconds },
    });
    const lease = new Lease(this.#leaseHost, answer, ttlSeconds, startedAt);
    this.#leases.add(lease);
    lease.lost.addEventListener('abort', () => this.dispatchEvent(new CustomEvent('lost', { detail: lease })), { once: true });
    return lease;
  }

  /** Waits until this node holds `name` (another holder's lease must be released or expire). */
  async campaign(name: string, { ttlSeconds, signal }: { ttlSeconds: number; signal?: AbortSignal }): Promise<Lease> {
    for (;;) {
      signal?.throwIfAborted();
      this.#stopped.signal.throwIfAborted();
      try {
        return await this.acquire(name, { ttlSeconds });
      } catch (err) {
        if (!(err instanceof RosterError) || !err.retryable || this.#drainState !== 'active') throw err;
      }
      // Poll a few times a lease's life, with jitter so campaigners do not move in step.
      await sleep(Math.min(2_000, (ttlSeconds * 1000) / 4) * (0.75 + Math.random() / 2), anySignal(signal, this.#stopped.signal));
    }
  }

  /**
   * Asks for a new node credential (the old one stops at once on the server) and writes it
   * to the state file; heartbeats carry on with it. A lease is bound to the credential it
   * was taken under, so every lease held is released first (acquire them again after).
   */
  async rotateCredential(): Promise<void> {
    await this.#releaseAll();
    const answer = await call<JoinAnswer>(this.#options.url, {
      method: 'POST',
      path: `/api/v1/cluster/members/${this.nodeId}/credential`,
      token: this.#token,
    });
    await writeState(this.#options.stateFile, { url: this.#options.url, nodeId: this.nodeId, nodeToken: answer.nodeToken });
    this.#token = answer.nodeToken;
  }

  /** Releases every lease and stops heartbeating. The member stays; remove it to leave. */
  async stop(): Promise<void> {
    if (this.#stopped.signal.aborted) return;
    this.#stopped.abort();
    clearTimeout(this.#heartbeatTimer);
    this.#drain?.abort();
    await this.#releaseAll();
  }

  async #beat(): Promise<void> {
    const answer = await call<HeartbeatAnswer>(this.#nodeUrl, {
      method: 'POST',
      path: `/api/v1/cluster/members/${this.nodeId}/heartbeat`,
      token: this.#token,
    });
    this.#observe(answer);
    this.#scheduleHeartbeat(answer.heartbeatIntervalSeconds * 1000 * (0.8 + Math.random() * 0.2));
  }

  #scheduleHeartbeat(ms: number, failures = 0): void {
    if (this.#stopped.signal.aborted) return;
    clearTimeout(this.#heartbeatTimer);
    this.#heartbeatTimer = setTimeout(async () => {
      try {
        await this.#beat();
      } catch (err) {
        this.#report(err);
        if (err instanceof RosterError && (err.status === 401 || err.status === 404)) return this.#credentialGone(err);
        const backoff = Math.min(10_000, 500 * 2 ** failures) * (0.5 + Math.random() / 2);
        this.#scheduleHeartbeat(err instanceof RosterError && err.retryAfterSeconds ? err.retryAfterSeconds * 1000 : backoff, failures + 1);
      }
    }, ms);
  }

  #observe(answer: HeartbeatAnswer): void {
    if (answer.isLeader !== this.#isLeader) {
      this.#isLeader = answer.isLeader;
      this.dispatchEvent(new CustomEvent('leader', { detail: answer }));
    }
    const before = this.#drainState;
    this.#drainState = answer.drainState;
    if (answer.drainState === 'draining' && before === 'active') void this.#handOff();
    if (answer.drainState === 'active' && before !== 'active') {
      this.#drain?.abort();
      this.#drain = undefined;
      this.dispatchEvent(new CustomEvent('resume'));
    }
  }

  /** Drained: hand work off (onDrain), then release every lease so the drain completes now. */
  async #handOff(): Promise<void> {
    const drain = new AbortController();
    this.#drain = drain;
    this.dispatchEvent(new CustomEvent('drain'));
    try {
      const deadline = await this.#drainDeadline();
      await this.#options.onDrain?.({ deadline, signal: drain.signal });
      if (!drain.signal.aborted) await this.#releaseAll();
    } catch (err) {
      this.#report(err);
    }
  }

  async #drainDeadline(): Promise<Date | undefined> {
    const member = await call<{ drainDeadline?: string }>(this.#options.url, {
      method: 'GET',
      path: `/api/v1/cluster/members/${this.nodeId}`,
      token: this.#token,
    });
    return member.drainDeadline ? new Date(member.drainDeadline) : undefined;
  }

  async #releaseAll(): Promise<void> {
    const results = await Promise.allSettled([...this.#leases].map((lease) => lease.release()));
    for (const r of results) if (r.status === 'rejected') this.#report(r.reason);
  }

  #credentialGone(err: RosterError): void {
    // Removed from the cluster (or the credential was rotated): nothing held is ours any more.
    this.#stopped.abort(err);
    for (const lease of [...this.#leases]) void lease.release().catch(() => undefined);
  }

  #report(error: unknown): void {
    this.dispatchEvent(new CustomEvent('error', { detail: error }));
  }
}

function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal {
  return AbortSignal.any(signals.filter((s): s is AbortSignal => s !== undefined));
}

async function readState(file: string, url: string): Promise<State> {
  try {
    const state = JSON.parse(await readFile(file, 'utf8')) as State;
    return state.url === url ? state : { url };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { url };
    throw err;
  }
}

/** Writes the state atomically, readable by this user only: it holds the node's credential. */
async function writeState(file: string, state: State): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(state), { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, file);
}

/** Redeems the join token; a retry after a lost answer sends the same Idempotency-Key. */
async function join(options: AgentOptions, state: State): Promise<JoinAnswer> {
  if (!options.joinToken) throw new RosterError(401, `no node credential in ${options.stateFile} and no joinToken to join with`);
  const idempotencyKey = state.pendingJoin?.idempotencyKey ?? randomUUID();
  await writeState(options.stateFile, { url: options.url, pendingJoin: { idempotencyKey } });
  for (let attempt = 0; ; attempt++) {
    try {
      const answer = await call<JoinAnswer>(options.url, {
        method: 'POST',
        path: '/api/v1/cluster/join',
        headers: { 'idempotency-key': idempotencyKey },
        body: {
          token: options.joinToken,
          raftAddress: options.raftAddress,
          apiAddress: options.apiAddress,
          binaryVersion: options.binaryVersion,
          certFingerprint: options.certFingerprint,
        },
      });
      await writeState(options.stateFile, { url: options.url, nodeId: answer.nodeId, nodeToken: answer.nodeToken });
      return answer;
    } catch (err) {
      if (!(err instanceof RosterError) || !err.retryable || attempt >= 5) throw err;
      await sleep(err.retryAfterSeconds ? err.retryAfterSeconds * 1000 : 250 * 2 ** attempt);
    }
  }
}
