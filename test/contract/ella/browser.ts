/**
 * What a browser does for Ella Core's UI: its `apiFetch`/`apiFetchVoid`
 * (ui/src/queries/utils.tsx at 8961a2367) replayed over fetch, with the headers a browser
 * adds to a same-origin fetch and a cookie jar kept as a browser keeps one.
 */

interface Cookie {
  name: string;
  value: string;
  path: string;
  expires: number;
  secure: boolean;
  httpOnly: boolean;
  sameSite: string;
}

/**
 * A browser's jar for one origin. A `Secure` cookie is stored only from a secure context:
 * https, or a loopback host (browsers treat http://localhost and http://127.0.0.1 as secure).
 */
export class CookieJar {
  private cookies = new Map<string, Cookie>();

  constructor(private readonly origin: URL) {}

  private get secureContext(): boolean {
    return this.origin.protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(this.origin.hostname);
  }

  store(setCookies: string[], now = Date.now()): void {
    for (const header of setCookies) {
      const [pair, ...attributes] = header.split(';').map((s) => s.trim());
      const eq = pair!.indexOf('=');
      const cookie: Cookie = {
        name: pair!.slice(0, eq),
        value: pair!.slice(eq + 1),
        path: '/',
        expires: Number.POSITIVE_INFINITY,
        secure: false,
        httpOnly: false,
        sameSite: 'Lax',
      };
      for (const attribute of attributes) {
        const [key = '', val = ''] = attribute.split('=');
        const k = key.toLowerCase();
        if (k === 'path') cookie.path = val;
        if (k === 'max-age') cookie.expires = now + Number(val) * 1000;
        if (k === 'expires' && !attributes.some((a) => a.toLowerCase().startsWith('max-age'))) cookie.expires = Date.parse(val);
        if (k === 'secure') cookie.secure = true;
        if (k === 'httponly') cookie.httpOnly = true;
        if (k === 'samesite') cookie.sameSite = val;
      }
      if (cookie.secure && !this.secureContext) continue;
      if (cookie.expires <= now) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie);
    }
  }

  /** The Cookie header for a same-origin request to `path`. */
  header(path: string, now = Date.now()): string | undefined {
    const sent = [...this.cookies.values()].filter(
      (c) => c.expires > now && (path === c.path || path.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`)),
    );
    return sent.length > 0 ? sent.map((c) => `${c.name}=${c.value}`).join('; ') : undefined;
  }

  names(): string[] {
    return [...this.cookies.keys()];
  }
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ApiFetchOptions {
  method?: string;
  authToken?: string;
  body?: unknown;
  credentials?: 'include' | 'same-origin' | 'omit';
}

/** One request as the UI's fetch sends it from a page on `origin`: what the browser adds, and the jar. */
export interface Exchange {
  method: string;
  path: string;
  status: number;
  requestHeaders: Record<string, string>;
  responseHeaders: Headers;
  json: unknown;
}

export class Browser {
  readonly jar: CookieJar;
  readonly exchanges: Exchange[] = [];
  /** Called on any 401, as the UI's `setOnUnauthorized` callback (it logs the user out). */
  unauthorized = 0;

  constructor(readonly origin: string) {
    this.jar = new CookieJar(new URL(origin));
  }

  private async send(url: string, options: ApiFetchOptions) {
    const { method = 'GET', authToken, body, credentials = 'same-origin' } = options;
    const target = new URL(url, this.origin);
    // The UI's own headers: JSON content type on every request, even a bodiless GET.
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (authToken) headers['Authorization'] = 'Bearer ' + authToken;
    // What the browser adds to a same-origin fetch from the UI's page.
    headers['Accept'] = '*/*';
    headers['Sec-Fetch-Site'] = 'same-origin';
    headers['Sec-Fetch-Mode'] = 'cors';
    headers['Sec-Fetch-Dest'] = 'empty';
    headers['Referer'] = `${this.origin}/`;
    if (method !== 'GET' && method !== 'HEAD') headers['Origin'] = this.origin;
    const cookie = credentials === 'omit' ? undefined : this.jar.header(target.pathname);
    if (cookie) headers['Cookie'] = cookie;
    const response = await fetch(target, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    if (credentials !== 'omit') this.jar.store(response.headers.getSetCookie());
    if (response.status === 401) this.unauthorized++;
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    this.exchanges.push({
      method,
      path: target.pathname + target.search,
      status: response.status,
      requestHeaders: headers,
      responseHeaders: response.headers,
      json,
    });
    return { response, json };
  }

  /** apiFetch: the `result` of the body, or an ApiError with the body's `error`. */
  async apiFetch<T>(url: string, options: ApiFetchOptions = {}): Promise<T> {
    const { response, json } = await this.send(url, options);
    const data = json as { result?: T; error?: string } | undefined;
    if (data === undefined) {
      if (!response.ok) throw new ApiError(response.status, response.statusText);
      return undefined as T;
    }
    if (!response.ok) throw new ApiError(response.status, data.error ?? response.statusText);
    return data.result as T;
  }

  /** apiFetchVoid: nothing on success; an ApiError with the body's `error` otherwise. */
  async apiFetchVoid(url: string, options: ApiFetchOptions = {}): Promise<void> {
    const { response, json } = await this.send(url, options);
    if (!response.ok) throw new ApiError(response.status, (json as { error?: string } | undefined)?.error ?? response.statusText);
  }
}
