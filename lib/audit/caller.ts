import { currentUsage, type Usage } from '../metrics';

/**
 * The address of the caller the current invocation serves, for its audit entries (Ella's
 * `ip`). Keyed by the invocation's usage record, which lib/metrics already scopes to the
 * invocation: no second AsyncLocalStorage, and nothing to clear.
 */
const callers = new WeakMap<Usage, string>();

export function setCallerAddress(ip: string): void {
  const usage = currentUsage();
  if (usage && ip) callers.set(usage, ip);
}

/** Empty outside an HTTP invocation (the watcher, a drain deadline). */
export function callerAddress(): string {
  const usage = currentUsage();
  return (usage && callers.get(usage)) ?? '';
}
