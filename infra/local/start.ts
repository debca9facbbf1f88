/**
 * `npm start`: DynamoDB Local (unless DYNAMODB_ENDPOINT names another store), the table,
 * and the HTTP API on HOST:PORT serving the Lambda bundles from dist/.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDynamoLocal, type LocalDynamo } from './dynamodb';
import { silenceSdkNodeVersionNotice } from './quiet';
import { startHttpServer, type LocalHttp } from './server';
import { functionInvoker, LOCAL_PREFIX } from './functions';
import { startScheduler } from './scheduler';
import { startLocalStepFunctions, type LocalStepFunctions } from './stepfunctions';
import drainDeadline from '../drain-deadline.asl.json';
import { ensureTable } from './table';
import { checkPortFree, lockDataDir, StartRefused } from './lock';
import { checkSecret } from '../../lib/identity/secret';

const env = process.env;
silenceSdkNodeVersionNotice();
// Unlike a Lambda environment, this process runs overlapping invocations of one function (lib/metrics.ts).
env.ROSTER_OVERLAPPING_INVOCATIONS = '1';
const host = env.HOST || '127.0.0.1';
const port = Number(env.PORT ?? 8080);
const dataDir = env.DATA_DIR || '.roster/data';
const inMemory = dataDir === ':memory:';
const tableName = (env.TABLE_NAME ||= 'roster');

/** The signing key: from TOKEN_SECRET, else generated once and kept in DATA_DIR. */
function tokenSecret(): string {
  if (env.TOKEN_SECRET) return env.TOKEN_SECRET;
  const generated = () => randomBytes(48).toString('base64url');
  if (inMemory) return generated();
  const file = resolve(dataDir, 'token-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = generated();
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

let dynamo: LocalDynamo | undefined;
let http: LocalHttp | undefined;
let stepFunctions: LocalStepFunctions | undefined;
let scheduler: { stop(): void } | undefined;

let unlock: (() => void) | undefined;

async function main(): Promise<void> {
  // Before anything starts or touches the data: one server per data directory, and a port we can bind.
  if (!inMemory) {
    mkdirSync(resolve(dataDir), { recursive: true });
    unlock = lockDataDir(resolve(dataDir));
  }
  await checkPortFree(host, port);
  if (!env.DYNAMODB_ENDPOINT) {
    dynamo = await startDynamoLocal(inMemory ? null : resolve(dataDir, 'dynamodb'));
    env.DYNAMODB_ENDPOINT = dynamo.endpoint;
    console.log(
      `DynamoDB Local on ${dynamo.endpoint} (${inMemory ? 'in memory' : `data in ${resolve(dataDir)}`}; it listens on all interfaces while Roster runs)`,
    );
  }
  env.TOKEN_SECRET = tokenSecret();
  checkSecret(env.TOKEN_SECRET); // a short key refuses to start, before anything listens
  env.AWS_REGION ||= 'us-east-1';

  const client = new DynamoDBClient({
    endpoint: env.DYNAMODB_ENDPOINT,
    region: env.AWS_REGION,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'local', secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'local' },
  });
  const table = await ensureTable(client, tableName);
  client.destroy();
  console.log(`table ${tableName}: ${table}`);

  const invoke = functionInvoker(fileURLToPath(new URL('../functions/', import.meta.url)));
  // Drain deadlines: the same ASL as on AWS, behind a local Step Functions endpoint.
  // It serves only calls signed with credentials made at this start (a supervisor may hand in the secret).
  const credentials = {
    accessKeyId: 'roster-local',
    secretAccessKey: env.STEPFUNCTIONS_SECRET_ACCESS_KEY || randomBytes(32).toString('base64url'),
  };
  stepFunctions = await startLocalStepFunctions({ machines: { [`${LOCAL_PREFIX}drain-deadline`]: drainDeadline }, invoke, credentials });
  env.STEPFUNCTIONS_ACCESS_KEY_ID = credentials.accessKeyId;
  env.STEPFUNCTIONS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
  env.STEPFUNCTIONS_ENDPOINT = stepFunctions.endpoint;
  env.DRAIN_STATE_MACHINE_ARN = stepFunctions.arnOf(`${LOCAL_PREFIX}drain-deadline`);
  env.DRAIN_CHECK_FUNCTION = `${LOCAL_PREFIX}drain-check`;
  console.log(`Step Functions (local) on ${stepFunctions.endpoint}: ${env.DRAIN_STATE_MACHINE_ARN}`);
  scheduler = startScheduler(invoke, Number(env.ROSTER_WATCHER_INTERVAL_SECONDS ?? 60));

  // The first admin, as the one-off bootstrap function does on AWS (ADMIN_EMAIL/ADMIN_PASSWORD).
  const admin = await invoke<{ created: boolean; initialized: boolean; email?: string }>('bootstrap', {});
  const integrationTimeoutMs = env.ROSTER_INTEGRATION_TIMEOUT_MS ? Number(env.ROSTER_INTEGRATION_TIMEOUT_MS) : undefined;
  http = await startHttpServer({ host, port, invoke, integrationTimeoutMs });
  if (admin.created) console.log(`created the first admin ${admin.email}`);
  if (!admin.initialized) {
    console.log(
      `No user yet: set ADMIN_EMAIL and ADMIN_PASSWORD, or create the first admin with\n` +
        `  curl -X POST ${http.url}/api/v1/init -H 'content-type: application/json' -d '{"email":"you@example.com","password":"…"}'`,
    );
  }
  console.log(`Roster listening on ${http.url}`);
}

async function shutdown(code: number): Promise<never> {
  const timer = setTimeout(() => process.exit(code), 5_000);
  timer.unref();
  scheduler?.stop();
  await http?.close();
  await stepFunctions?.close();
  await dynamo?.stop();
  process.exit(code);
}
process.on('exit', () => unlock?.());

process.once('SIGINT', () => void shutdown(0));
// Supervised runs (the tests) hold our stdin open: when the supervisor dies, so do we.
if (env.ROSTER_STOP_ON_STDIN_EOF === '1') {
  process.stdin.on('end', () => void shutdown(0));
  process.stdin.resume();
}
process.once('SIGTERM', () => void shutdown(0));
// A supervisor that spawned us with an IPC channel (the benchmark) may ask for our CPU time:
// a pipe between the two processes, reachable by nothing on the network.
if (process.send) {
  process.on('message', (m: unknown) => {
    if (m === 'cpu-usage') process.send?.({ cpuUsage: process.cpuUsage() });
  });
  process.channel?.unref();
}
process.on('uncaughtException', (err) => {
  console.error(JSON.stringify({ level: 'error', msg: 'local runtime crashed', error: String(err.stack ?? err) }));
  void shutdown(1);
});

main().catch((err: Error) => {
  console.error(err instanceof StartRefused ? `Roster did not start: ${err.message}` : err.message);
  void shutdown(1);
});
