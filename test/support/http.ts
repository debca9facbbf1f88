/** A response read whole: status, headers, the raw text and the parsed JSON (if any). */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

/** Calls the runtime at `base` and reads the answer; JSON bodies are sent as JSON. */
export async function call(
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
    body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
  });
  const text = await res.text();
  let body: any;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

/** A client bound to one runtime, optionally with a credential. */
export const client = (base: string, headers: Record<string, string> = {}) => ({
  get: (path: string, h?: Record<string, string>) => call(base, 'GET', path, { headers: { ...headers, ...h } }),
  post: (path: string, body?: unknown, h?: Record<string, string>) => call(base, 'POST', path, { body, headers: { ...headers, ...h } }),
  put: (path: string, body?: unknown, h?: Record<string, string>) => call(base, 'PUT', path, { body, headers: { ...headers, ...h } }),
  delete: (path: string, h?: Record<string, string>) => call(base, 'DELETE', path, { headers: { ...headers, ...h } }),
  call: (method: string, path: string, options?: { body?: unknown; headers?: Record<string, string> }) =>
    call(base, method, path, { ...options, headers: { ...headers, ...options?.headers } }),
});
