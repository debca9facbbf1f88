/** An answer from Roster that was not a success, or no answer at all (`status` 0). */
export class RosterError extends Error {
  override readonly name = 'RosterError';
  constructor(
    /** The HTTP status; 0 when the request never got an answer. */
    readonly status: number,
    /** The server's own message (`{"error": …}`), or what went wrong on the way. */
    message: string,
    /** Seconds the server asked to wait (`Retry-After`), when it did. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  /** Worth retrying as is: no answer, contention, throttling, an unavailable store. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 409 || this.status === 429 || this.status === 503 || this.status >= 500;
  }
}
