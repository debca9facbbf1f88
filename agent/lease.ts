import { RosterError } from './errors';
import { call } from './http';

/** What the server answers for a lease. */
interface LeaseAnswer {
  name: string;
  holder: number;
  fencingToken: number;
  expiresAt: string;
}

export interface LeaseHost {
  readonly url: string;
  readonly token: string;
  /** Called once when the lease is lost or released, so the agent forgets it. */
  forget(lease: Lease): void;
  report(error: unknown): void;
}

const now = () => performance.now();

/**
 * A lease this node holds, kept alive until released. `lost` fires as soon as this node can no
 * longer be sure it holds it: before the server could give it to anyone else. The safety margin
 * is measured from the start of the renewal that last succeeded, so a slow round trip shortens
 * the lease this side believes in, never lengthens it.
 */
export class Lease {
  readonly name: string;
  readonly ttlSeconds: number;
  #fencingToken: number;
  readonly #controller = new AbortController();
  readonly #host: LeaseHost;
  #validUntil: number;
  #renewTimer: ReturnType<typeof setTimeout> | undefined;
  #lostTimer: ReturnType<typeof setTimeout> | undefined;
  #done = false;

  /** @internal The agent makes leases; use `agent.acquire`. */
  constructor(host: LeaseHost, answer: LeaseAnswer, ttlSeconds: number, startedAt: number) {
    this.#host = host;
    this.name = answer.name;
    this.ttlSeconds = ttlSeconds;
    this.#fencingToken = answer.fencingToken;
    this.#validUntil = startedAt + this.#safeMs();
    this.#armLost();
    this.#scheduleRenewal(this.#renewEveryMs());
  }

  /** The fencing token to pass to whatever the lease protects; it changes only with the holder. */
  get fencingToken(): number {
    return this.#fencingToken;
  }

  /** Fires when the lease is lost (not when it is released). */
  get lost(): AbortSignal {
    return this.#controller.signal;
  }

  get held(): boolean {
    return !this.#done;
  }

  /** Gives the lease up; the next holder's fencing token will be higher. */
  async release(): Promise<void> {
    if (this.#done) return;
    this.#finish();
    try {
      await call(this.#host.url, {
        method: 'DELETE',
        path: `/api/v1/leases/${encodeURIComponent(this.name)}?fencingToken=${this.#fencingToken}`,
        token: this.#host.token,
      });
    } catch (err) {
      // Already expired or taken: it is not ours either way.
      if (!(err instanceof RosterError && (err.status === 404 || err.status === 409))) throw err;
    }
  }

  /** How long a successful renewal lets this side trust the lease: ttl less a margin. */
  #safeMs(): number {
    const ttlMs = this.ttlSeconds * 1000;
    return ttlMs - Math.max(250, Math.min(ttlMs * 0.2, 3_000));
  }

  #renewEveryMs(): number {
    return (this.ttlSeconds * 1000) / 3;
  }

  #armLost(): void {
    clearTimeout(this.#lostTimer);
    this.#lostTimer = setTimeout(
      () => this.#lose(new RosterError(0, `lease ${this.name} not renewed in time`)),
      Math.max(0, this.#validUntil - now()),
    );
  }

  #scheduleRenewal(ms: number): void {
    clearTimeout(this.#renewTimer);
    if (!this.#done) this.#renewTimer = setTimeout(() => void this.#renew(), ms);
  }

  async #renew(): Promise<void> {
    const startedAt = now();
    try {
      const answer = await call<LeaseAnswer>(this.#host.url, {
        method: 'PUT',
        path: `/api/v1/leases/${encodeURIComponent(this.name)}`,
        token: this.#host.token,
        body: { ttlSeconds: this.ttlSeconds, fencingToken: this.#fencingToken },
        // A renewal that takes longer than the margin left is no use.
        timeoutMs: Math.max(500, this.#validUntil - startedAt),
      });
      if (this.#done) return;
      this.#fencingToken = answer.fencingToken;
      this.#validUntil = startedAt + this.#safeMs();
      this.#armLost();
      this.#scheduleRenewal(this.#renewEveryMs());
    } catch (err) {
      if (this.#done) return;
      if (err instanceof RosterError && !err.retryable) return this.#lose(err);
      this.#host.report(err);
      // Try again soon, but never past the point where the lease is lost anyway.
      const retryMs = err instanceof RosterError && err.retryAfterSeconds ? err.retryAfterSeconds * 1000 : 500;
      this.#scheduleRenewal(Math.min(retryMs, Math.max(0, this.#validUntil - now())));
    }
  }

  #lose(reason: unknown): void {
    if (this.#done) return;
    this.#finish();
    this.#controller.abort(reason);
  }

  #finish(): void {
    this.#done = true;
    clearTimeout(this.#renewTimer);
    clearTimeout(this.#lostTimer);
    this.#host.forget(this);
  }
}
