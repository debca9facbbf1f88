/** The benchmark's sections, and where a run's results go: only a run of every section replaces bench/results.json. */
import { join } from 'node:path';

export const ALL_SECTIONS = [1, 2, 3, 4, 5, 6, 7] as const;

/** `BENCH_SECTIONS=2,3` runs only those sections (while iterating); the verdict then covers only them. */
export const sectionsOf = (raw: string | undefined): Set<number> => new Set(raw ? raw.split(',').map(Number) : ALL_SECTIONS);

/** A partial run never replaces the full results: it is written under .roster/. */
export const resultsPath = (root: string, sections: ReadonlySet<number>): string =>
  ALL_SECTIONS.every((n) => sections.has(n)) ? join(root, 'bench', 'results.json') : join(root, '.roster', 'bench-partial.json');
