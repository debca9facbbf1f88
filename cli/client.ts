import { readContext, writeContext, type Context } from './config';
import { Failure } from './errors';

export interface Answer {
  status: number;
  result: unknown;
  cookies: string[];
}

/** One request; a non-2xx answer is a Failure carrying the server's own message. */
export async function request(
  url: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; cookie?: string } = {},
): Promise<Answer> {
  let res: Response;
  try {
    res = await fetch(new URL(path, url), {
      method,
      headers: {
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.cookie ? { cookie: options.cookie } : {}),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    throw new Failure(`no answer from ${url}: ${(err as Error).cause ?? (err as Error).message}`);
  }
  const text = await res.text();
  let parsed: { result?: unknown; error?: unknown } | undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    const message = typeof parsed?.error === 'string' ? parsed.error : text.slice(0, 300) || res.statusText;
    throw new Failure(`${res.status}: ${message}`, res.status);
  }
  return { status: res.status, result: parsed?.result, cookies: res.headers.getSetCookie() };
}

/** The `roster_session` cookie a login answer sets, as `name=value`. */
export const sessionCookie = (cookies: string[]): string | undefined =>
  cookies.map((c) => c.split(';')[0]!.trim()).find((c) => c.startsWith('roster_session=') && c.length > 'roster_session='.length);

/** Seconds until a JWT's `exp`, or Infinity when it is not a JWT with one. */
function secondsLeft(token: string): number {
  try {
    const exp = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')).exp;
    return typeof exp === 'number' ? exp - Date.now() / 1000 : Infinity;
  } catch {
    return Infinity;
  }
}

/**
 * The API as the current context speaks to it: `ROSTER_URL` and `ROSTER_TOKEN` override
 * the saved context; a login's access token is renewed with its session cookie before it
 * expires, and once more if the server turns it down.
 */
export class Api {
  private constructor(
    readonly url: string,
    private token: string | undefined,
    private readonly context: Context | undefined,
  ) {}

  static async open(): Promise<Api> {
    const context = await readContext();
    const url = process.env.ROSTER_URL || context?.url;
    if (!url) throw new Failure('not logged in: run `rosterctl login --url URL` (or set ROSTER_URL)');
    const envToken = process.env.ROSTER_TOKEN || undefined;
    // A saved context for another URL says nothing about this one.
    const own = context && context.url === url && !envToken ? context : undefined;
    return new Api(url, envToken ?? own?.apiToken ?? own?.accessToken, own);
  }

  async call(method: string, path: string, body?: unknown): Promise<unknown> {
    if (this.renewable() && secondsLeft(this.token!) < 30) await this.renew();
    try {
      return (await request(this.url, method, path, { token: this.token, body })).result;
    } catch (err) {
      if (!(err instanceof Failure) || err.status !== 401 || !this.renewable()) throw err;
      await this.renew();
      return (await request(this.url, method, path, { token: this.token, body })).result;
    }
  }

  get = (path: string) => this.call('GET', path);

  private renewable(): boolean {
    return this.context?.session !== undefined && this.context.accessToken !== undefined && this.token === this.context.accessToken;
  }

  private async renew(): Promise<void> {
    const ctx = this.context!;
    try {
      const { result } = await request(this.url, 'POST', '/api/v1/auth/refresh', { cookie: ctx.session });
      this.token = (result as { token: string }).token;
    } catch (err) {
      if (err instanceof Failure && err.status === 401) throw new Failure('the session has ended: run `rosterctl login` again', 401);
      throw err;
    }
    await writeContext({ ...ctx, accessToken: this.token });
  }
}
