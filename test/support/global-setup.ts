import type { TestProject } from 'vitest/node';
import { buildAll } from '../../infra/build';
import { startDynamoLocal, type LocalDynamo } from '../../infra/local/dynamodb';
import { silenceSdkNodeVersionNotice } from '../../infra/local/quiet';

let dynamo: LocalDynamo | undefined;

/** One build and one DynamoDB Local per run; each test file gets its own table in it. */
export async function setup(project: TestProject): Promise<void> {
  silenceSdkNodeVersionNotice();
  await buildAll();
  dynamo = await startDynamoLocal(null);
  project.provide('dynamodbEndpoint', dynamo.endpoint);
}

export async function teardown(): Promise<void> {
  await dynamo?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}
