import { RosterError } from './errors';

export interface Call {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Gives up on the request after this long (the agent's timers must never wait forever). */
  timeoutMs?: number;
}

/** One request to Roster's canonical API: the `result` of a success, or a RosterError. */
export async function call<T>(base: string, c: Call): Promise<T> {
  let res: Response;
  try {
    res = await fetch(new URL(c.path, base), {
      method: c.method,
      headers: {
        ...(c.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(c.token ? { authorization: `Bearer ${c.token}` } : {}),
        ...c.headers,
      },
      body: c.body === undefined ? undefined : JSON.stringify(c.body),
      // AbortSignal.timeout takes whole milliseconds only.
      signal: AbortSignal.timeout(Math.ceil(c.timeoutMs ?? 10_000)),
    });
  } catch (err) {
    throw new RosterError(0, `no answer from ${base}: ${(err as Error).message}`);
  }
  const text = await res.text().catch(() => '');
  let parsed: { result?: T; error?: string } | undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (res.ok) return parsed?.result as T;
  const retryAfter = Number(res.headers.get('retry-after'));
  throw new RosterError(
    res.status,
    parsed?.error ?? (text.slice(0, 200) || res.statusText),
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  );
}
