/**
 * Writes infra/serverless/functions.yml and iam.yml from the route table, so that
 * serverless.yml deploys exactly the routes the code serves, each Lambda with the
 * least privilege its access class needs. Run `npm run gen` after changing a route;
 * test/integration/template.test.ts fails when the two disagree.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { RouteSpec, StoreAccess } from '../../lib/http/route';
import { NODE_ENDPOINT_FN, nodeEndpointRoutes } from '../../lib/http/node-endpoint';
import { deployedRoutes as routes, NOT_FOUND_FN } from '../../lib/http/routes';
import { tasks, type TaskSpec } from '../../lib/task-table';
import { tableDefinition } from '../../lib/store/table';

type Fn = Pick<RouteSpec, 'fn' | 'store' | 'states'> & Pick<TaskSpec, 'parameters' | 'scans'> & { memorySize?: number; timeout?: number };

const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
const WRITE_ACTIONS = [...READ_ACTIONS, 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:ConditionCheckItem'];
const STORE_ACTIONS: Record<StoreAccess, string[]> = { none: [], read: READ_ACTIONS, write: WRITE_ACTIONS };

const pascal = (s: string) => s.replace(/(^|[-_])(\w)/g, (_, _sep, c: string) => c.toUpperCase());

/** The IAM role a function gets: one per access class, shared by the functions in it. */
export const roleOf = (fn: Pick<Fn, 'store' | 'states' | 'parameters' | 'scans'>): string =>
  `Roster${pascal(fn.store)}${fn.scans ? 'Scan' : ''}${(fn.states ?? []).map((s) => s.replace('Execution', '')).join('')}${Object.values(
    fn.parameters ?? {},
  )
    .map(pascal)
    .join('')}Role`;

/** An SSM parameter of this stage: `/<service>/<stage>/<name>` (every function reads `token-secret`). */
const parameterArn = (name: string) =>
  arn(
    'arn:',
    { Ref: 'AWS::Partition' },
    ':ssm:',
    { Ref: 'AWS::Region' },
    ':',
    { Ref: 'AWS::AccountId' },
    `:parameter/\${self:service}/\${sls:stage}/${name}`,
  );

const arn = (...parts: unknown[]) => ({ 'Fn::Join': ['', parts] });
const functionName = (fn: string) => `\${self:service}-\${sls:stage}-${fn}`;
const logGroupArn = (fn: string) =>
  arn(
    'arn:',
    { Ref: 'AWS::Partition' },
    ':logs:',
    { Ref: 'AWS::Region' },
    ':',
    { Ref: 'AWS::AccountId' },
    `:log-group:/aws/lambda/${functionName(fn)}:*`,
  );

function functionsYaml(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const byFn = new Map<string, RouteSpec[]>();
  for (const r of routes) byFn.set(r.fn, [...(byFn.get(r.fn) ?? []), r]);
  for (const [fn, rs] of byFn) {
    const first = rs[0]!;
    out[fn] = {
      handler: `dist/functions/${fn}.handler`,
      description: first.summary,
      role: roleOf(first),
      ...(first.memorySize ? { memorySize: first.memorySize } : {}),
      package: { patterns: [`dist/functions/${fn}.mjs`, ...(first.packageFiles ?? [])] },
      events: rs.map((r) => ({ httpApi: { method: r.method, path: r.path } })),
    };
  }
  out[NOT_FOUND_FN] = {
    handler: `dist/functions/${NOT_FOUND_FN}.handler`,
    description: 'Unknown routes (404) and wrong methods (405), in the format of the surface',
    role: roleOf({ store: 'none' }),
    package: { patterns: [`dist/functions/${NOT_FOUND_FN}.mjs`] },
    events: [{ httpApi: '*' }],
  };
  out[NODE_ENDPOINT_FN] = nodeEndpointYaml();
  for (const task of tasks) out[task.fn] = taskYaml(task);
  return out;
}

/**
 * The optional node endpoint: the heartbeat and lease routes in one Lambda behind a Function
 * URL (no API Gateway request charge), which exists only when deployed with
 * `--param="nodeEndpoint=true"`. The URL is public (auth NONE): every route it serves
 * checks the node credential itself, as it does behind API Gateway.
 */
function nodeEndpointYaml(): Record<string, unknown> {
  const [first, ...rest] = nodeEndpointRoutes;
  for (const r of rest) if (roleOf(r) !== roleOf(first)) throw new Error(`${r.fn}: the node endpoint's routes must share one role`);
  return {
    handler: `dist/functions/${NODE_ENDPOINT_FN}.handler`,
    description: `Node endpoint (Function URL): ${nodeEndpointRoutes.map((r) => `${r.method} ${r.path}`).join(', ')}`,
    role: roleOf(first),
    ...(first.memorySize ? { memorySize: first.memorySize } : {}),
    condition: 'NodeEndpoint',
    url: true,
    package: { patterns: [`dist/functions/${NODE_ENDPOINT_FN}.mjs`] },
  };
}

function taskYaml(task: TaskSpec): Record<string, unknown> {
  return {
    handler: `dist/functions/${task.fn}.handler`,
    description: task.summary,
    role: roleOf(task),
    ...(task.parameters
      ? {
          environment: Object.fromEntries(
            Object.entries(task.parameters).map(([env, name]) => [env, `/\${self:service}/\${sls:stage}/${name}`]),
          ),
        }
      : {}),
    ...(task.timeout ? { timeout: task.timeout } : {}),
    package: { patterns: [`dist/functions/${task.fn}.mjs`] },
    ...(task.schedule ? { events: [{ schedule: task.schedule }] } : {}),
  };
}

/** The table's indexes (lib/store/table.ts), each its own ARN in the grants. */
const INDEXES = (tableDefinition('x').GlobalSecondaryIndexes ?? []).map((i) => i.IndexName!);

function iamYaml(): Record<string, unknown> {
  const all: Fn[] = [...routes, { fn: NOT_FOUND_FN, store: 'none' }, { ...nodeEndpointRoutes[0], fn: NODE_ENDPOINT_FN }, ...tasks];
  const classes = new Map<string, Fn[]>();
  for (const f of all) classes.set(roleOf(f), [...(classes.get(roleOf(f)) ?? []), f]);
  const Resources: Record<string, unknown> = {};
  for (const [role, fns] of classes) {
    const { store, states = [], parameters = {}, scans } = fns[0]!;
    const names = [...new Set(fns.map((f) => f.fn))].sort();
    const statements: unknown[] = [
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: names.map(logGroupArn) },
      // Every function signs or verifies tokens: the signing secret, read once per cold start.
      { Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: ['token-secret', ...Object.values(parameters)].map(parameterArn) },
    ];
    if (store !== 'none') {
      statements.push({
        Effect: 'Allow',
        Action: scans ? [...STORE_ACTIONS[store], 'dynamodb:Scan'] : STORE_ACTIONS[store],
        Resource: [
          { 'Fn::GetAtt': ['RosterTable', 'Arn'] },
          ...INDEXES.map((i) => arn({ 'Fn::GetAtt': ['RosterTable', 'Arn'] }, `/index/${i}`)),
        ],
      });
    }
    if (states.includes('StartExecution')) {
      statements.push({ Effect: 'Allow', Action: ['states:StartExecution'], Resource: [{ Ref: 'DrainDeadlineStateMachine' }] });
    }
    if (states.includes('StopExecution')) {
      statements.push({
        Effect: 'Allow',
        Action: ['states:StopExecution'],
        Resource: [
          arn(
            'arn:',
            { Ref: 'AWS::Partition' },
            ':states:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            ':execution:',
            { 'Fn::GetAtt': ['DrainDeadlineStateMachine', 'Name'] },
            ':*',
          ),
        ],
      });
    }
    Resources[role] = {
      Type: 'AWS::IAM::Role',
      Properties: {
        Description:
          `Roster functions with ${store} access to the table${states.length ? ` and ${states.join(', ')}` : ''}: ${names.join(', ')}`.slice(
            0,
            1000,
          ),
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] }, Action: ['sts:AssumeRole'] }],
        },
        Policies: [{ PolicyName: role, PolicyDocument: { Version: '2012-10-17', Statement: statements } }],
      },
    };
  }
  return { Resources };
}

/** YAML for plain data: every string double-quoted (JSON strings are valid YAML scalars). */
export function toYaml(value: unknown, indent = ''): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return ' []';
    return value.map((v) => `\n${indent}- ${toYaml(v, `${indent}  `).replace(/^\s+/, '')}`).join('');
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return ' {}';
    return entries.map(([k, v]) => `\n${indent}${/^[\w$:-]+$/.test(k) ? k : JSON.stringify(k)}:${toYaml(v, `${indent}  `)}`).join('');
  }
  return ` ${JSON.stringify(value)}`;
}

/** Functions that hash a password on every call: login on each surface, and Basic on /clients. */
const hashesPasswords = (r: RouteSpec) => r.basicAuth === true || PASSWORD_LOGINS.has(r.fn);
const PASSWORD_LOGINS = new Set(['auth-login', 'crdb-login', 'sensu-auth']);

/** Serverless's logical id of a function's Lambda (`auth-login` → `AuthDashloginLambdaFunction`). */
const lambdaLogicalId = (fn: string) =>
  `${fn[0]!.toUpperCase()}${fn.slice(1).replace(/-/g, 'Dash').replace(/_/g, 'Underscore')}LambdaFunction`;

/**
 * Throttling on the API's stage, tighter on the login routes (a password hash is about 0.5 s
 * of CPU), and an optional reserved-concurrency cap on their functions, so that a login
 * flood cannot take the account's concurrency from heartbeats. Off by default: a new
 * account's concurrency quota may not allow a reservation.
 */
function limitsYaml(): Record<string, unknown> {
  const logins = routes.filter(hashesPasswords);
  const throttle = (rate: string, burst: string) => ({ ThrottlingRateLimit: rate, ThrottlingBurstLimit: burst });
  const extensions: Record<string, unknown> = {
    HttpApiStage: {
      Properties: {
        DefaultRouteSettings: { DetailedMetricsEnabled: false, ...throttle('${param:apiRateLimit, 500}', '${param:apiBurstLimit, 1000}') },
        RouteSettings: Object.fromEntries(
          logins
            .filter((r) => PASSWORD_LOGINS.has(r.fn))
            .map((r) => [`${r.method} ${r.path}`, throttle('${param:loginRateLimit, 5}', '${param:loginBurstLimit, 10}')]),
        ),
      },
    },
  };
  // Basic on /clients hashes too, but on every call of a client's: a cap, not a login rate.
  for (const fn of [...new Set(logins.map((r) => r.fn))].sort()) {
    extensions[lambdaLogicalId(fn)] = {
      Properties: {
        ReservedConcurrentExecutions: {
          'Fn::If': ['CapPasswordConcurrency', '${param:passwordConcurrency, "0"}', { Ref: 'AWS::NoValue' }],
        },
      },
    };
  }
  return {
    Conditions: { CapPasswordConcurrency: { 'Fn::Not': [{ 'Fn::Equals': ['${param:passwordConcurrency, "0"}', '0'] }] } },
    extensions,
  };
}

const HEADER = '# Generated from the route table by `npm run gen` (infra/serverless/generate.ts). Do not edit.\n';

export async function generate(): Promise<void> {
  const dir = new URL('./', import.meta.url);
  await writeFile(new URL('functions.yml', dir), `${HEADER}${toYaml(functionsYaml()).trimStart()}\n`);
  await writeFile(new URL('iam.yml', dir), `${HEADER}${toYaml(iamYaml()).trimStart()}\n`);
  await writeFile(new URL('limits.yml', dir), `${HEADER}${toYaml(limitsYaml()).trimStart()}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await generate();
