import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { buildAll } from '../../infra/build';
import { startDynamoLocal, type LocalDynamo } from '../../infra/local/dynamodb';
import { silenceSdkNodeVersionNotice } from '../../infra/local/quiet';

let dynamo: LocalDynamo | undefined;
let distDir: string | undefined;

/**
 * One build and one DynamoDB Local per run; each test file gets its own table in it.
 * The build goes to a directory of this run's own, so concurrent runs never share one.
 */
export async function setup(project: TestProject): Promise<void> {
  silenceSdkNodeVersionNotice();
  const runs = fileURLToPath(new URL('../../.roster/test-runs/', import.meta.url));
  mkdirSync(runs, { recursive: true });
  distDir = join(mkdtempSync(join(runs, 'run-')), 'dist');
  await buildAll(distDir);
  dynamo = await startDynamoLocal(null);
  project.provide('dynamodbEndpoint', dynamo.endpoint);
  project.provide('distDir', distDir);
}

export async function teardown(): Promise<void> {
  await dynamo?.stop();
  if (distDir) rmSync(join(distDir, '..'), { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
    distDir: string;
  }
}
