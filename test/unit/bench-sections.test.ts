import { describe, expect, it } from 'vitest';
import { ALL_SECTIONS, resultsPath, sectionsOf } from '../../bench/sections';

describe('the benchmark’s results file', () => {
  it('a run of every section (no BENCH_SECTIONS) writes bench/results.json', () => {
    expect(resultsPath('/r', sectionsOf(undefined))).toBe('/r/bench/results.json');
    expect(resultsPath('/r', sectionsOf(ALL_SECTIONS.join(',')))).toBe('/r/bench/results.json');
  });

  it('a partial run never replaces the full results', () => {
    expect(resultsPath('/r', sectionsOf('2,3'))).toBe('/r/.roster/bench-partial.json');
    expect(resultsPath('/r', sectionsOf(ALL_SECTIONS.slice(0, -1).join(',')))).toBe('/r/.roster/bench-partial.json');
  });
});
