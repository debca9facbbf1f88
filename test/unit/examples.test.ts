import { describe, expect, it } from 'vitest';
import { createMatcher } from '../../lib/http/match';
import { routes } from '../../lib/http/routes';
import { examples } from '../support/examples';

describe('the example request of every route', () => {
  it('exists for every route of the table, so table-walking suites cover new routes', () => {
    const missing = routes.filter((r) => !examples[r.fn]).map((r) => `${r.method} ${r.path} (${r.fn})`);
    expect(missing).toEqual([]);
  });

  it('reaches its own route', () => {
    const match = createMatcher(routes);
    for (const r of routes) {
      const path = new URL(examples[r.fn]!.path, 'http://x').pathname;
      expect(match(r.method, path), `${r.fn}: ${examples[r.fn]!.path}`).toMatchObject({ kind: 'route', route: { fn: r.fn } });
    }
  });
});
