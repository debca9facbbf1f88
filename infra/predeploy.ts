/**
 * The pre-deploy check: names every SSM parameter a stage's functions read that does not
 * exist yet. It asks for names only (no decryption): secrets are read by the functions at
 * run time and never pass through the deployer or the template.
 *
 *   npm run deploy:check -- --stage prod --region eu-west-1
 */
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { parseArgs } from 'node:util';
import { tasks } from '../lib/task-table';

const SERVICE = 'roster';

/** Every parameter of a stage: the signing secret every function reads, and each task's own. */
export const stageParameters = (stage: string): string[] =>
  [...new Set(['token-secret', ...tasks.flatMap((t) => Object.values(t.parameters ?? {}))])].map((name) => `/${SERVICE}/${stage}/${name}`);

export async function missingParameters(ssm: SSMClient, stage: string): Promise<string[]> {
  const names = stageParameters(stage);
  const missing: string[] = [];
  // GetParameters takes at most 10 names a call.
  for (let i = 0; i < names.length; i += 10) {
    const out = await ssm.send(new GetParametersCommand({ Names: names.slice(i, i + 10), WithDecryption: false }));
    missing.push(...(out.InvalidParameters ?? []));
  }
  return missing.sort();
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
