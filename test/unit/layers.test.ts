import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname });

/** The import-restriction messages ESLint gives `source` imported from `file`. */
async function restrictions(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import { x } from '${source}';\nexport const y = x;\n`, { filePath: file });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('the layers the linter enforces (docs/architecture.md)', () => {
  // The first lint loads the config and the TypeScript parser: seconds on a busy machine, paid once here.
  beforeAll(() => restrictions('lib/drain/probe.ts', '../store/keys'), 60_000);

  it.each([
    ['lib/drain/probe.ts', '../http/route', 'never import lib/http'],
    ['lib/leases/probe.ts', '../../http/reply', 'never import lib/http'],
    ['lib/identity/probe.ts', '../http/reply', 'never import lib/http'],
    ['lib/identity/probe.ts', '../http/route', 'never import lib/http'],
    ['lib/system/probe.ts', '../http/schemas', 'never import lib/http'],
    ['lib/store/probe.ts', '../identity/roles', 'sit below the capabilities'],
    ['lib/store/probe.ts', '../system/status', 'sit below the capabilities'],
    ['lib/identity/probe.ts', '../../functions/auth-login', 'imports an entry point'],
    ['lib/system/probe.ts', '../../infra/local/start', 'local runtime'],
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
    ['lib/leases/probe.ts', '../drain/completion', 'sit below drain'],
    ['lib/cluster/probe.ts', '../drain/lease-release', 'sit below drain'],
    ['lib/drain/probe.ts', '../autopilot/watcher', 'Autopilot sits above'],
    ['lib/clients/probe.ts', '../cluster/member-reads', 'Clients stand alone'],
    ['lib/cluster/member-probe.ts', './members', 'member store sits below the use cases'],
    ['lib/cluster/member-probe.ts', '../leases/lease-store', 'member store sits below the use cases'],
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
    ['lib/http/probe.ts', '../identity/roles'],
    ['lib/system/probe.ts', '../identity/user-store'],
    ['agent/probe.ts', './lease'],
    ['agent/probe.ts', 'node:crypto'],
    ['lib/drain/probe.ts', '../leases/lease-store'],
    ['lib/leases/probe.ts', '../cluster/member-parts'],
    ['lib/cluster/member-probe.ts', '../audit/audit'],
  ])('%s may import %s', async (file, source) => {
    expect(await restrictions(file, source)).toEqual([]);
  });

  /** The syntax-restriction messages ESLint gives `code` in `file`. */
  async function syntax(file: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath: file });
    return result!.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
  }

  const touchesMember = "import { keys } from '../store/keys';\nexport const k = keys.member(1);\n";

  it.each(['lib/drain/probe.ts', 'lib/leases/probe.ts', 'lib/identity/probe.ts', 'lib/cluster/members-probe.ts'])(
    '%s may not spell the member key: the member store owns the item',
    async (file) => {
      const messages = await syntax(file, touchesMember);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toContain('Only the member store');
    },
  );

  it('lets the member store spell the member key', async () => {
    expect(await syntax('lib/cluster/member-probe.ts', touchesMember)).toEqual([]);
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
