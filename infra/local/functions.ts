import type { Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { NOT_FOUND_FN, routes } from '../../lib/http/routes';
import { tasks } from '../../lib/task-table';
import { lambdaContext } from './event';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** Local function names mirror the deployed ones: `roster-<stage>-<fn>`, with stage `local`. */
export const LOCAL_PREFIX = 'roster-local-';

/** Roster's own functions, from the route and task tables: the only names the runtime runs. */
const FUNCTIONS: ReadonlySet<string> = new Set([...routes.map((r) => r.fn), NOT_FOUND_FN, ...tasks.map((t) => t.fn)]);

/**
 * Loads each function's bundle from dist/ once (as a warm Lambda keeps its module) and
 * invokes it with a Lambda context. Shared by the HTTP server, the Step Functions
 * emulator's tasks and the scheduler.
 */
export function functionInvoker(functionsDir: string, timeoutMs = 29_000) {
  const loaded = new Map<string, Promise<Handler>>();
  const load = (fn: string): Promise<Handler> => {
    let handler = loaded.get(fn);
    if (!handler) {
      handler = import(pathToFileURL(join(functionsDir, `${fn}.mjs`)).href).then((m: { handler: Handler }) => m.handler);
      loaded.set(fn, handler);
    }
    return handler;
  };
  return async <T = unknown>(fn: string, event: unknown, requestId: string = randomUUID()): Promise<T> => {
    const name = fn.startsWith(LOCAL_PREFIX) ? fn.slice(LOCAL_PREFIX.length) : fn;
    // A name comes from outside (a state machine's input): it never becomes a path of its own.
    if (!FUNCTIONS.has(name)) throw new Error(`no such function: ${JSON.stringify(fn)}`);
    return (await load(name))(event, lambdaContext(`${LOCAL_PREFIX}${name}`, requestId, timeoutMs)) as Promise<T>;
  };
}

export type Invoker = ReturnType<typeof functionInvoker>;
