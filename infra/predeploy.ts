/**
 * The pre-deploy check: names every SSM parameter a stage's functions read that does not
 * exist yet. It lists parameters' metadata (DescribeParameters), never a value: secrets are
 * read by the functions at run time and never pass through the deployer or the template,
 * whose policy (infra/deployer-policy.json) grants no read of a parameter's value.
 *
 *   npm run deploy:check -- --stage prod --region eu-west-1
 */
import { DescribeParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { parseArgs } from 'node:util';
import { tasks } from '../lib/task-table';

const SERVICE = 'roster';

/** Every parameter of a stage: the signing secret every function reads, and each task's own. */
export const stageParameters = (stage: string): string[] =>
  [...new Set(['token-secret', ...tasks.flatMap((t) => Object.values(t.parameters ?? {}))])].map((name) => `/${SERVICE}/${stage}/${name}`);

export async function missingParameters(ssm: SSMClient, stage: string): Promise<string[]> {
  const names = stageParameters(stage);
  const found = new Set<string>();
  let NextToken: string | undefined;
  do {
    const out = await ssm.send(
      new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Option: 'Equals', Values: names }], NextToken }),
    );
    for (const p of out.Parameters ?? []) if (p.Name) found.add(p.Name);
    NextToken = out.NextToken;
  } while (NextToken);
  return names.filter((n) => !found.has(n)).sort();
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { stage: { type: 'string' }, region: { type: 'string' } } });
  if (!values.stage || !values.region) {
    console.error('usage: npm run deploy:check -- --stage STAGE --region REGION');
    return 2;
  }
  const missing = await missingParameters(new SSMClient({ region: values.region }), values.stage);
  if (missing.length === 0) {
    console.log(`stage ${values.stage} in ${values.region}: every parameter is in place`);
    return 0;
  }
  console.error(`stage ${values.stage} in ${values.region} is missing SSM parameters (create them as SecureString):`);
  for (const name of missing) console.error(`  ${name}`);
  return 1;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await main();
