/** A handler result that chooses its own status, headers or cookies; a plain value uses the route's status. */
export class Reply {
  constructor(
    readonly body: unknown,
    readonly status?: number,
    readonly headers: Record<string, string> = {},
    readonly cookies: readonly string[] = [],
    /** Sent as bare JSON, outside the surface's envelope (a document a standard tool reads, say). */
    readonly bare = false,
    /** Sent as these bytes, not as JSON (a file: its headers say what it is). */
    readonly raw?: Buffer,
  ) {}
}

export const reply = (
  body: unknown,
  options: { status?: number; headers?: Record<string, string>; cookies?: readonly string[]; bare?: boolean } = {},
): Reply => new Reply(body, options.status, options.headers, options.cookies, options.bare);

/** Bytes as they are, with the headers that say what they are (no surface envelope). */
export const rawReply = (bytes: Buffer, options: { status?: number; headers?: Record<string, string> } = {}): Reply =>
  new Reply(undefined, options.status, options.headers, [], false, bytes);
