import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BUNDLE_ALLOWANCE_KB, BUNDLE_RULE_ASIDE, bundleBaseline, bundleFunctions } from '../../infra/build';

/**
 * Every function's bundle stays within BUNDLE_ALLOWANCE_KB of a DynamoDB-only function's
 * built the same way (issue #19): what a function carries beyond the SDK is its cold
 * start's to load. Both are built here with the functions' own options (nothing written),
 * so a route that starts pulling in what it does not use fails `npm test`, not only the
 * benchmark.
 */
const scratch = mkdtempSync(join(fileURLToPath(new URL('../../.roster/', import.meta.url)), 'bundle-sizes-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('function bundle sizes', () => {
  it(`every function but the console's is at most ${BUNDLE_ALLOWANCE_KB} KB over the DynamoDB-only bundle`, async () => {
    const [baseline, sizes] = await Promise.all([
      bundleBaseline(join(scratch, 'baseline.mjs'), { write: false }),
      bundleFunctions(scratch, { write: false }),
    ]);
    expect(sizes.length).toBeGreaterThan(70);
    const limit = baseline + BUNDLE_ALLOWANCE_KB * 1024;
    const over = sizes
      .filter(({ fn, bytes }) => !BUNDLE_RULE_ASIDE.test(fn) && bytes > limit)
      .map(({ fn, bytes }) => `${fn}: ${(bytes / 1024).toFixed(1)} KB (+${((bytes - baseline) / 1024).toFixed(1)})`);
    expect(over, `baseline ${(baseline / 1024).toFixed(1)} KB, limit ${(limit / 1024).toFixed(1)} KB`).toEqual([]);
  }, 180_000);
});
