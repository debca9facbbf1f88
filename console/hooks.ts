import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api';

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  reload: () => Promise<void>;
}

/**
 * `load` now and every `everyMs` while the page is visible (0: once; a function of the last
 * answer: faster while something is moving); a hidden tab polls nothing and catches up the
 * moment it is shown again. `deps` restart it.
 */
export function usePoll<T>(
  load: () => Promise<T>,
  everyMs: number | ((last: T | undefined) => number),
  deps: readonly unknown[],
): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const latest = useRef(load);
  latest.current = load;
  const last = useRef<T | undefined>(undefined);
  const interval = useRef(everyMs);
  interval.current = everyMs;
  const period = () => (typeof interval.current === 'function' ? interval.current(last.current) : interval.current);
  const generation = useRef(0);

  const reload = useCallback(async () => {
    const mine = generation.current;
    try {
      const value = await latest.current();
      if (mine !== generation.current) return;
      last.current = value;
      setData(value);
      setError(undefined);
    } catch (err) {
      if (mine === generation.current) setError(messageOf(err));
    }
  }, []);

  useEffect(() => {
    generation.current++;
    last.current = undefined;
    setData(undefined);
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const tick = async () => {
      if (document.visibilityState === 'visible') await reload();
      if (!stopped && period() > 0) timer = setTimeout(tick, period());
    };
    const onVisible = () => {
      if (document.visibilityState !== 'visible' || period() === 0) return;
      clearTimeout(timer);
      void tick();
    };
    void tick();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      stopped = true;
      generation.current++;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, deps);

  return { data, error, reload };
}

/** The clock, ticking every `ms`, for "3 s ago" and countdowns. */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

/** What to show a person for a failure. */
export const messageOf = (err: unknown): string =>
  err instanceof ApiError ? err.message : err instanceof Error ? err.message : String(err);

/** Runs one action at a time, keeping its failure in words until the next try. */
export function useAction(): {
  busy: boolean;
  error: string | undefined;
  run: (what: string, action: () => Promise<unknown>) => Promise<boolean>;
  clear: () => void;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const run = useCallback(async (what: string, action: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      return true;
    } catch (err) {
      setError(`${what} failed: ${messageOf(err)}`);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, clear: () => setError(undefined) };
}
