import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname });

/** The import-restriction messages ESLint gives `source` imported from `file`. */
async function restrictions(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import { x } from '${source}';\nexport const y = x;\n`, { filePath: file });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('the layers the linter enforces (docs/architecture.md)', () => {
  it.each([
    ['lib/drain/probe.ts', '../http/route', 'never import lib/http'],
    ['lib/leases/probe.ts', '../../http/reply', 'never import lib/http'],
    ['lib/store/probe.ts', '../cluster/member', 'sit below the capabilities'],
    ['lib/store/probe.ts', '../http/reply', 'never import lib/http'],
    ['lib/compat/probe.ts', '../identity/users', 'sit below the capabilities'],
    ['lib/compat/probe.ts', '@aws-sdk/lib-dynamodb', 'touch the AWS SDK'],
    ['functions/probe.ts', '@aws-sdk/client-dynamodb', 'touch the AWS SDK'],
    ['lib/cluster/probe.ts', '../../functions/health', 'imports an entry point'],
    ['lib/http/probe.ts', '../../functions/health', 'imports an entry point'],
    ['lib/leases/probe.ts', '../../infra/local/server', 'local runtime'],
    ['functions/probe.ts', '../infra/local/stepfunctions', 'local runtime'],
    ['agent/probe.ts', '../lib/errors', 'nothing beyond Node'],
    ['agent/probe.ts', 'zod', 'nothing beyond Node'],
  ])('%s may not import %s', async (file, source, why) => {
    const messages = await restrictions(file, source);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(why);
  });

  it.each([
    ['lib/drain/probe.ts', '../cluster/member'],
    ['lib/cluster/probe.ts', '../store/keys'],
    ['lib/cluster/probe.ts', '../compat/cockroach'],
    ['functions/probe.ts', '../lib/http/handler'],
    ['lib/http/probe.ts', '../cluster/members'],
    ['agent/probe.ts', './lease'],
    ['agent/probe.ts', 'node:crypto'],
  ])('%s may import %s', async (file, source) => {
    expect(await restrictions(file, source)).toEqual([]);
  });

  it.each([
    ['lib/cluster/probe.ts', 'zod'],
    ['lib/http/probe.ts', 'zod/mini'],
    ['functions/probe.ts', 'zod'],
  ])('%s takes zod only through lib/zod.ts, not from %s', async (file, source) => {
    const [result] = await eslint.lintText(`import * as z from '${source}';\nexport const y = z.string();\n`, { filePath: file });
    expect(result!.messages.map((m) => m.message)).toContain('Import zod from lib/zod.ts (zod/mini, with the English messages).');
  });

  it('lets lib/http take zod from lib/zod.ts', async () => {
    const [result] = await eslint.lintText(`import * as z from '../zod';\nexport const y = z.string();\n`, {
      filePath: 'lib/http/probe.ts',
    });
    expect(result!.messages.filter((m) => m.ruleId === 'no-restricted-syntax')).toEqual([]);
  });
});
