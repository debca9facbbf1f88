import type { HttpMethod, RouteSpec } from './route';

/** What matching needs of a route (the local server passes whole specs; the 404 function only these). */
export type Routable = Pick<RouteSpec, 'method' | 'path'>;

export type Match<R extends Routable = RouteSpec> =
  | { kind: 'route'; route: R; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allowed: HttpMethod[] }
  | { kind: 'not-found' };

interface Compiled<R> {
  route: R;
  pattern: RegExp;
  names: string[];
  /** Literal segments win over parameters, as API Gateway picks the most specific route. */
  literals: number;
}

/** Trailing slashes are accepted everywhere: `/api/v2/nodes/` is `/api/v2/nodes`. */
export const normalizePath = (path: string): string => (path.length > 1 ? path.replace(/\/+$/, '') || '/' : path);

export function createMatcher<R extends Routable = RouteSpec>(routes: readonly R[]) {
  const compiled: Compiled<R>[] = routes.map((route) => {
    const names: string[] = [];
    const segments = route.path.split('/').map((segment) => {
      const param = /^\{(\w+)(\+?)\}$/.exec(segment);
      if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[1]!);
      // `{name+}`, API Gateway's greedy variable (last in a path): the rest of the path, slashes and all.
      return param[2] ? '(.+)' : '([^/]+)';
    });
    return { route, pattern: new RegExp(`^${segments.join('/')}$`), names, literals: segments.length - names.length };
  });

  return function match(method: string, rawPath: string): Match<R> {
    const path = normalizePath(rawPath);
    const candidates = compiled
      .map((c) => ({ c, m: c.pattern.exec(path) }))
      .filter((x): x is { c: Compiled<R>; m: RegExpExecArray } => x.m !== null);
    if (candidates.length === 0) return { kind: 'not-found' };
    const best = Math.max(...candidates.map((x) => x.c.literals));
    const specific = candidates.filter((x) => x.c.literals === best);
    const hit = specific.find((x) => x.c.route.method === method);
    if (!hit) return { kind: 'method-not-allowed', allowed: [...new Set(specific.map((x) => x.c.route.method))] };
    const params: Record<string, string> = {};
    try {
      hit.c.names.forEach((name, i) => (params[name] = decodeURIComponent(hit.m[i + 1]!)));
    } catch {
      return { kind: 'not-found' };
    }
    return { kind: 'route', route: hit.c.route, params };
  };
}
