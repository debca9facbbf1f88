import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { NODE_ENDPOINT_FN, nodeEndpointRoutes } from '../../lib/http/node-endpoint';
import { NODE_PATH_MEMORY_MB } from '../../lib/http/route';
import { deployedRoutes, NOT_FOUND_FN, routes } from '../../lib/http/routes';
import { tableDefinition } from '../../lib/store/table';
import { tasks } from '../../lib/task-table';
import { roleOf } from '../../infra/serverless/generate';
import { stageParameters } from '../../infra/predeploy';

type Resource = { Type: string; Condition?: string; Properties: Record<string, any> };
let resources: Record<string, Resource>;
let template: { Resources: Record<string, Resource>; Conditions: Record<string, any>; Outputs: Record<string, any> };
const root = fileURLToPath(new URL('../..', import.meta.url));
mkdirSync(join(root, '.roster'), { recursive: true });
const service = mkdtempSync(join(root, '.roster', 'package-'));
const out = join(service, '.serverless');
/** The files of some functions' packages, by function. */
const packages: Record<string, string[]> = {};

beforeAll(() => {
  // `osls package` runs offline on a copy of the service with this run's bundles, so a
  // concurrent build of dist/ cannot change what it packages.
  cpSync(join(root, 'serverless.yml'), join(service, 'serverless.yml'));
  cpSync(join(root, 'infra'), join(service, 'infra'), { recursive: true });
  cpSync(inject('distDir'), join(service, 'dist'), { recursive: true });
  template = packageTemplate(out);
  resources = template.Resources;
  // Read now: a later `osls package` of the same service clears its .serverless/.
  for (const fn of ['console', 'health']) packages[fn] = zipEntries(readFileSync(join(out, `${fn}.zip`))).filter((f) => !f.endsWith('/'));
}, 120_000);

/** `osls package` of the service copy into `dir`, with deploy parameters, offline. */
function packageTemplate(dir: string, params: string[] = []): typeof template {
  execFileSync(join(root, 'node_modules/.bin/osls'), ['package', '--package', dir, ...params.map((p) => `--param=${p}`)], {
    cwd: service,
    env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
    stdio: 'pipe',
  });
  return JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'));
}
afterAll(() => rmSync(service, { recursive: true, force: true }));

/** The same service packaged once with every optional deploy parameter set. */
let optioned: typeof template | undefined;
const withParams = () =>
  (optioned ??= packageTemplate(join(service, 'with-params'), [
    'passwordConcurrency=20',
    'alarmEmail=ops@example.com',
    'nodeEndpoint=true',
    'readCapacity=5',
    'writeCapacity=25',
  ]));

/** The names in a zip archive, from its central directory (what `unzip -Z1` prints). */
function zipEntries(zip: Buffer): string[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const [nameLength, extraLength, commentLength] = [zip.readUInt16LE(at + 28), zip.readUInt16LE(at + 30), zip.readUInt16LE(at + 32)];
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const lambdas = () => ofType('AWS::Lambda::Function').map(([, r]) => r.Properties);
const shortName = (fullName: string) => fullName.replace(/^roster-dev-/, '');
const statements = () =>
  ofType('AWS::IAM::Role').flatMap(([name, r]) =>
    (r.Properties.Policies as { PolicyDocument: { Statement: { Action: string[]; Resource: unknown[] }[] } }[]).flatMap((p) =>
      p.PolicyDocument.Statement.map((s) => ({ role: name, ...s })),
    ),
  );

describe('the packaged CloudFormation template', () => {
  it('has exactly the routes of the route table, plus $default', () => {
    const inTemplate = ofType('AWS::ApiGatewayV2::Route')
      .map(([, r]) => r.Properties.RouteKey as string)
      .sort();
    const inTable = [...deployedRoutes.map((r) => `${r.method} ${r.path}`), '$default'].sort();
    expect(inTemplate).toEqual(inTable);
  });

  it('deploys no unauthenticated first boot: init is absent, and only the bootstrap function initializes', () => {
    expect(routes.filter((r) => r.deployed === false).map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/v1/init']);
    const keys = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey);
    expect(keys).not.toContain('POST /api/v1/init');
    expect(lambdas().map((f) => shortName(f.FunctionName))).not.toContain('init');
    expect(lambdas().map((f) => shortName(f.FunctionName))).toContain('bootstrap');
    expect(ofType('AWS::ApiGatewayV2::Route').every(([, r]) => !JSON.stringify(r).includes('InitLambda'))).toBe(true);
  });

  it('has one Lambda per function of the table, each on nodejs22.x arm64 with its own bundle', () => {
    const expected = [...new Set([...deployedRoutes.map((r) => r.fn), NOT_FOUND_FN, NODE_ENDPOINT_FN, ...tasks.map((t) => t.fn)])].sort();
    const fns = lambdas();
    expect(fns.map((f) => shortName(f.FunctionName)).sort()).toEqual(expected);
    for (const f of fns) {
      expect(f.Runtime).toBe('nodejs22.x');
      expect(f.Architectures).toEqual(['arm64']);
      expect(f.Handler).toBe(`dist/functions/${shortName(f.FunctionName)}.handler`);
    }
  });

  it("runs the node paths (and the node endpoint) at NODE_PATH_MEMORY_MB, the password hashing at 1024, the rest at the provider's 512", () => {
    const memory = Object.fromEntries(lambdas().map((f) => [shortName(f.FunctionName), f.MemorySize]));
    for (const fn of ['member-heartbeat', 'lease-put', 'lease-release', NODE_ENDPOINT_FN]) expect(memory[fn], fn).toBe(NODE_PATH_MEMORY_MB);
    expect(memory['auth-login']).toBe(1024);
    expect(memory['members-list']).toBe(512);
  });

  it('declares the table with on-demand billing, PK/SK, GSI1, TTL on expiresAt and point-in-time recovery', () => {
    const table = resources.RosterTable!.Properties;
    const local = tableDefinition('x');
    const onDemand = { 'Fn::If': ['ProvisionedCapacity', expect.anything(), { Ref: 'AWS::NoValue' }] };
    expect(table.BillingMode).toEqual({ 'Fn::If': ['ProvisionedCapacity', 'PROVISIONED', 'PAY_PER_REQUEST'] });
    expect(template.Conditions.ProvisionedCapacity).toEqual({
      'Fn::Or': [{ 'Fn::Not': [{ 'Fn::Equals': ['0', '0'] }] }, { 'Fn::Not': [{ 'Fn::Equals': ['0', '0'] }] }],
    });
    expect(table.ProvisionedThroughput).toEqual(onDemand);
    expect(table.KeySchema).toEqual(local.KeySchema);
    expect(table.AttributeDefinitions).toEqual(local.AttributeDefinitions);
    expect(table.GlobalSecondaryIndexes.map(({ ProvisionedThroughput: _, ...index }: any) => index)).toEqual(local.GlobalSecondaryIndexes);
    for (const index of table.GlobalSecondaryIndexes) expect(index.ProvisionedThroughput).toEqual(onDemand);
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(table.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  });

  it('grants no wildcard action and no wildcard resource', () => {
    for (const s of statements()) {
      for (const action of s.Action) expect(action, `${s.role}: ${action}`).not.toContain('*');
      for (const resource of s.Resource) {
        const text = JSON.stringify(resource);
        // The only `*` allowed is a name suffix under one of our own ARNs: a log group's
        // streams, or the executions of our state machine.
        const stripped = text.replace(/:log-group:\/aws\/lambda\/[^"*]+:\*"/g, '"').replace(/":execution:",.*?":\*"/g, '"');
        expect(stripped, `${s.role}: ${text}`).not.toContain('*');
        expect(text).not.toBe('"*"');
      }
    }
  });

  it('defines the drain-deadline state machine from the same ASL file, allowed to invoke only drain-check', () => {
    const machine = resources.DrainDeadlineStateMachine!.Properties;
    expect(machine.StateMachineType).toBe('STANDARD');
    expect(machine.Definition).toEqual(JSON.parse(readFileSync(join(root, 'infra/drain-deadline.asl.json'), 'utf8')));
    const role = resources.DrainDeadlineRole!.Properties;
    const statements = role.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
    expect(statements.flatMap((s: any) => s.Action)).toEqual(['lambda:InvokeFunction']);
    expect(JSON.stringify(statements[0].Resource)).toMatch(/:function:roster-dev-drain-check"/);
  });

  it('schedules the watcher every minute', () => {
    const rules = ofType('AWS::Events::Rule').map(([, r]) => r.Properties);
    expect(rules).toHaveLength(1);
    expect(rules[0]!.ScheduleExpression).toBe('rate(1 minute)');
    expect(JSON.stringify(rules[0]!.Targets)).toMatch(/WatcherLambdaFunction/);
  });

  it('gives states:StartExecution and StopExecution only to the functions that call them', () => {
    const byRole = new Map<string, string[]>();
    for (const f of lambdas()) {
      const role = (f.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      byRole.set(role, [...(byRole.get(role) ?? []), shortName(f.FunctionName)]);
    }
    const holders = (action: string) =>
      statements()
        .filter((s) => s.Action.includes(action))
        .flatMap((s) => byRole.get(s.role) ?? [])
        .sort();
    expect(holders('states:StartExecution')).toEqual(
      routes
        .filter((r) => r.states?.includes('StartExecution'))
        .map((r) => r.fn)
        .sort(),
    );
    expect(holders('states:StopExecution')).toEqual(
      routes
        .filter((r) => r.states?.includes('StopExecution'))
        .map((r) => r.fn)
        .sort(),
    );
    expect(holders('states:StartExecution')).toEqual(['member-drain']);
    expect(holders('states:StopExecution')).toEqual(['member-resume']);
  });

  it('gives every function the role of its access class, and read-only roles no write action', () => {
    const byName = new Map(lambdas().map((f) => [shortName(f.FunctionName), f.Role]));
    for (const r of deployedRoutes) expect(byName.get(r.fn), r.fn).toEqual({ 'Fn::GetAtt': [roleOf(r), 'Arn'] });
    const writes = /dynamodb:(Put|Update|Delete|BatchWrite|ConditionCheck)|states:/;
    for (const s of statements()) {
      if (/Roster(None|Read)Role/.test(s.role)) for (const a of s.Action) expect(a, `${s.role}: ${a}`).not.toMatch(writes);
    }
  });
});

describe('operating the packaged stack', () => {
  const loginRoutes = ['POST /api/v1/auth/login', 'POST /api/v2/login', 'GET /auth'];
  const hashing = routes.filter((r) => r.basicAuth || ['auth-login', 'crdb-login', 'sensu-auth'].includes(r.fn)).map((r) => r.fn);

  it('throttles the stage, and the login routes tighter', () => {
    const stage = resources.HttpApiStage!.Properties;
    expect(stage.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 });
    expect(Object.keys(stage.RouteSettings).sort()).toEqual([...loginRoutes].sort());
    for (const key of loginRoutes) expect(stage.RouteSettings[key]).toEqual({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 });
    const keys = new Set(ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey));
    for (const key of loginRoutes) expect(keys.has(key), key).toBe(true);
  });

  it('caps the password-hashing functions only when a deploy parameter asks for it', () => {
    expect(hashing.length).toBeGreaterThanOrEqual(8);
    const byName = new Map(
      Object.values(resources)
        .filter((r) => r.Type === 'AWS::Lambda::Function')
        .map((r) => [shortName(r.Properties.FunctionName), r.Properties]),
    );
    for (const fn of new Set(hashing)) {
      expect(byName.get(fn)!.ReservedConcurrentExecutions, fn).toEqual({
        'Fn::If': ['CapPasswordConcurrency', '0', { Ref: 'AWS::NoValue' }],
      });
    }
    expect(byName.get('member-heartbeat')!.ReservedConcurrentExecutions).toBeUndefined();
    expect(template.Conditions.CapPasswordConcurrency).toEqual({ 'Fn::Not': [{ 'Fn::Equals': ['0', '0'] }] });
    expect(template.Conditions.HasAlarmEmail).toEqual({ 'Fn::Not': [{ 'Fn::Equals': ['', ''] }] });

    const optioned = withParams();
    expect(optioned.Conditions.CapPasswordConcurrency).toEqual({ 'Fn::Not': [{ 'Fn::Equals': ['20', '0'] }] });
    expect(optioned.Resources.AuthDashloginLambdaFunction!.Properties.ReservedConcurrentExecutions['Fn::If'][1]).toBe('20');
    expect(optioned.Resources.AlarmEmailSubscription!.Properties.Endpoint).toBe('ops@example.com');
  }, 120_000);

  it('alarms on 5xx, Lambda errors and throttles, table throttles, failed drain deadlines and a stalled watcher, to one topic', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, r]) => r.Properties);
    const watched = alarms.flatMap((a) =>
      a.MetricName
        ? [`${a.Namespace}/${a.MetricName}`]
        : a.Metrics.filter((m: any) => m.MetricStat).map((m: any) => `${m.MetricStat.Metric.Namespace}/${m.MetricStat.Metric.MetricName}`),
    );
    for (const metric of [
      'AWS/ApiGateway/5xx',
      'AWS/Lambda/Errors',
      'AWS/Lambda/Throttles',
      'AWS/DynamoDB/ReadThrottleEvents',
      'AWS/DynamoDB/WriteThrottleEvents',
      'AWS/States/ExecutionsFailed',
      'AWS/Lambda/Invocations',
    ]) {
      expect(watched, metric).toContain(metric);
    }
    for (const a of alarms) expect(a.AlarmActions).toEqual([{ Ref: 'AlarmTopic' }]);
    const stalled = resources.WatcherStalledAlarm!.Properties;
    expect(stalled).toMatchObject({ EvaluationPeriods: 3, ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'breaching' });
    expect(resources.AlarmTopic!.Type).toBe('AWS::SNS::Topic');
    expect(resources.AlarmEmailSubscription!.Condition).toBe('HasAlarmEmail');
  });

  it("sends the watcher's failed passes to a queue, and keeps every function's logs for a bounded time", () => {
    const destination = resources.WatcherFailureDestination!.Properties;
    expect(destination.FunctionName).toEqual({ Ref: 'WatcherLambdaFunction' });
    expect(destination.DestinationConfig.OnFailure.Destination).toEqual({ 'Fn::GetAtt': ['WatcherFailures', 'Arn'] });
    const groups = ofType('AWS::Logs::LogGroup').map(([, r]) => r.Properties);
    expect(groups.length).toBe(lambdas().length);
    for (const g of groups) expect(g.RetentionInDays, g.LogGroupName).toBe(30);
  });

  it("logs every function in Lambda's JSON format, its own per-invocation lines off (system level WARN)", () => {
    for (const f of lambdas())
      expect(f.LoggingConfig, f.FunctionName).toEqual({ LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'WARN' });
  });

  it("names each function's SSM parameters from the stage and carries no secret: they are read at run time", () => {
    const expected = new Set(stageParameters('dev'));
    for (const f of lambdas()) {
      const env = f.Environment.Variables as Record<string, unknown>;
      expect(env.TOKEN_SECRET_PARAMETER, f.FunctionName).toBe('/roster/dev/token-secret');
      for (const [name, value] of Object.entries(env)) {
        expect(name, f.FunctionName).not.toMatch(/^(TOKEN_SECRET|ADMIN_PASSWORD|.*_PASSWORD)$/);
        if (name.endsWith('_PARAMETER')) expect(expected.has(value as string), `${f.FunctionName}: ${name}`).toBe(true);
      }
    }
    // The pre-deploy check names the same parameters the functions read and their roles may get.
    const granted = statements()
      .filter((s) => s.Action.includes('ssm:GetParameter'))
      .flatMap((s) =>
        s.Resource.map((r) =>
          JSON.stringify(r).match(/parameter\/\$\{self:service\}\/\$\{sls:stage\}\/([\w-]+)|parameter\/roster\/dev\/([\w-]+)/),
        ),
      )
      .map((m) => `/roster/dev/${m?.[1] ?? m?.[2]}`);
    expect(new Set(granted)).toEqual(expected);
  });

  it('turns on per-route metrics in embedded metric format, which need no metrics API call', () => {
    for (const f of lambdas()) expect(f.Environment.Variables.ROSTER_METRICS, f.FunctionName).toBe('emf');
    const policies = JSON.stringify(resources);
    expect(policies).not.toContain('cloudwatch:PutMetricData');
  });

  it('packages the console function with the built console beside its bundle, and no other function with it', () => {
    const built = JSON.parse(readFileSync(join(inject('distDir'), 'console.json'), 'utf8')) as { files: string[] };
    expect(built.files).toContain('index.html');
    expect([...packages.console!].sort()).toEqual(['dist/functions/console.mjs', ...built.files.map((f) => `dist/console/${f}`)].sort());
    expect(packages.health).toEqual(['dist/functions/health.mjs']);
    // Served as the rest: a public, table-less Lambda behind payload 2.0, which carries bytes as base64.
    const fn = lambdas().find((f) => shortName(f.FunctionName) === 'console')!;
    expect(fn.Role).toEqual({ 'Fn::GetAtt': ['RosterNoneRole', 'Arn'] });
    const keys = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey);
    expect(keys).toEqual(expect.arrayContaining(['GET /', 'GET /ui', 'GET /ui/{proxy+}']));
    for (const [, integration] of ofType('AWS::ApiGatewayV2::Integration')) expect(integration.Properties.PayloadFormatVersion).toBe('2.0');
  });

  it('outputs the API URL and the console under it', () => {
    expect(template.Outputs.ApiUrl.Value).toEqual({ 'Fn::GetAtt': ['HttpApi', 'ApiEndpoint'] });
    expect(template.Outputs.ConsoleUrl.Value).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['HttpApi', 'ApiEndpoint'] }, '/ui/']] });
  });

  it('provisions the table and every index only when a deploy parameter asks for it', () => {
    const optioned = withParams();
    expect(optioned.Conditions.ProvisionedCapacity).toEqual({
      'Fn::Or': [{ 'Fn::Not': [{ 'Fn::Equals': ['5', '0'] }] }, { 'Fn::Not': [{ 'Fn::Equals': ['25', '0'] }] }],
    });
    const table = optioned.Resources.RosterTable!.Properties;
    const capacity = { 'Fn::If': ['ProvisionedCapacity', { ReadCapacityUnits: '5', WriteCapacityUnits: '25' }, { Ref: 'AWS::NoValue' }] };
    expect(table.ProvisionedThroughput).toEqual(capacity);
    for (const index of table.GlobalSecondaryIndexes) expect(index.ProvisionedThroughput, index.IndexName).toEqual(capacity);
  }, 120_000);
});

describe('the optional node endpoint', () => {
  const nodeResources = (t: typeof template) => Object.entries(t.Resources).filter(([name]) => name.startsWith('NodeDashendpoint'));

  it("is a Function URL on one Lambda serving the heartbeat and lease routes, with the routes' own role", () => {
    expect(nodeEndpointRoutes.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /api/v1/cluster/members/{id}/heartbeat',
      'PUT /api/v1/leases/{name}',
      'DELETE /api/v1/leases/{name}',
    ]);
    const fn = resources.NodeDashendpointLambdaFunction!.Properties;
    expect(fn.Handler).toBe(`dist/functions/${NODE_ENDPOINT_FN}.handler`);
    for (const r of nodeEndpointRoutes) expect(fn.Role).toEqual({ 'Fn::GetAtt': [roleOf(r), 'Arn'] });
    const url = resources.NodeDashendpointLambdaFunctionUrl!;
    expect(url.Type).toBe('AWS::Lambda::Url');
    // Public: each route checks the node credential in its own conditional write, as behind API Gateway.
    expect(url.Properties.AuthType).toBe('NONE');
    const permissions = ofType('AWS::Lambda::Permission').filter(([name]) => name.startsWith('NodeDashendpoint'));
    expect(permissions.map(([, p]) => p.Properties.Action).sort()).toEqual(['lambda:InvokeFunction', 'lambda:InvokeFunctionUrl']);
    expect(permissions.find(([, p]) => p.Properties.Action === 'lambda:InvokeFunction')![1].Properties.InvokedViaFunctionUrl).toBe(true);
  });

  it('exists only when deployed with nodeEndpoint=true, and then outputs its URL', () => {
    expect(nodeResources(template).length).toBeGreaterThanOrEqual(5);
    for (const [name, r] of nodeResources(template)) expect(r.Condition, name).toBe('NodeEndpoint');
    expect(template.Conditions.NodeEndpoint).toEqual({ 'Fn::Equals': ['false', 'true'] });
    expect(template.Outputs.NodeUrl).toEqual({
      Condition: 'NodeEndpoint',
      Description: expect.stringContaining('nodeUrl'),
      Value: { 'Fn::GetAtt': ['NodeDashendpointLambdaFunctionUrl', 'FunctionUrl'] },
    });
    expect(withParams().Conditions.NodeEndpoint).toEqual({ 'Fn::Equals': ['true', 'true'] });
    expect(resources.NodeDashendpointLogGroup!.Properties.RetentionInDays).toBe(30);
  }, 120_000);
});

describe('the deployer policy (infra/deployer-policy.json)', () => {
  type Statement = { Effect: string; Action: string[]; Resource: string | string[] };
  const policy = JSON.parse(readFileSync(join(root, 'infra/deployer-policy.json'), 'utf8')) as { Statement: Statement[] };
  // Actions match regardless of case, ARNs exactly.
  const glob = (pattern: string, flags = '') =>
    new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
      flags,
    );
  const allows = (action: string, arn: string) =>
    policy.Statement.some(
      (s) => s.Effect === 'Allow' && s.Action.some((a) => glob(a, 'i').test(action)) && [s.Resource].flat().some((r) => glob(r).test(arn)),
    );

  // What CloudFormation does on the deployer's behalf for each resource type, on the ARN the
  // resource gets in stack roster-dev (names CloudFormation generates are <stack>-<logical id>-<suffix>).
  const at = 'us-east-1:123456789012';
  const generated = (id: string) => `roster-dev-${id}-ABC123`;
  const fnArn = (ref: any) => `arn:aws:lambda:${at}:function:${resources[ref['Fn::GetAtt']?.[0] ?? ref.Ref]!.Properties.FunctionName}`;
  const needs: Record<string, (r: Resource, id: string) => [string, string][]> = {
    'AWS::Lambda::Function': (r) =>
      ['CreateFunction', 'PutFunctionConcurrency', 'TagResource'].map((a) => [
        `lambda:${a}`,
        `arn:aws:lambda:${at}:function:${r.Properties.FunctionName}`,
      ]),
    'AWS::Lambda::Permission': (r) => [['lambda:AddPermission', fnArn(r.Properties.FunctionName)]],
    'AWS::Lambda::Url': (r) => [['lambda:CreateFunctionUrlConfig', fnArn(r.Properties.TargetFunctionArn)]],
    'AWS::Lambda::EventInvokeConfig': (r) => [['lambda:PutFunctionEventInvokeConfig', fnArn(r.Properties.FunctionName)]],
    'AWS::Logs::LogGroup': (r) =>
      ['CreateLogGroup', 'PutRetentionPolicy', 'DeleteLogGroup'].map((a) => [
        `logs:${a}`,
        `arn:aws:logs:${at}:log-group:${r.Properties.LogGroupName}`,
      ]),
    'AWS::IAM::Role': (_, id) =>
      ['CreateRole', 'PutRolePolicy', 'PassRole', 'DeleteRole'].map((a) => [`iam:${a}`, `arn:aws:iam::123456789012:role/${generated(id)}`]),
    'AWS::IAM::Policy': (r) =>
      r.Properties.Roles.map((role: any) => ['iam:PutRolePolicy', `arn:aws:iam::123456789012:role/${generated(role.Ref)}`]),
    'AWS::DynamoDB::Table': (r) =>
      ['CreateTable', 'UpdateTable', 'UpdateTimeToLive', 'UpdateContinuousBackups', 'DescribeTable', 'DeleteTable'].map((a) => [
        `dynamodb:${a}`,
        `arn:aws:dynamodb:${at}:table/${r.Properties.TableName}`,
      ]),
    'AWS::StepFunctions::StateMachine': (r) =>
      ['CreateStateMachine', 'UpdateStateMachine', 'DeleteStateMachine'].map((a) => [
        `states:${a}`,
        `arn:aws:states:${at}:stateMachine:${r.Properties.StateMachineName}`,
      ]),
    'AWS::Events::Rule': (_, id) =>
      ['PutRule', 'PutTargets', 'DeleteRule'].map((a) => [`events:${a}`, `arn:aws:events:${at}:rule/${generated(id)}`]),
    'AWS::CloudWatch::Alarm': (_, id) => [
      ['cloudwatch:PutMetricAlarm', `arn:aws:cloudwatch:${at}:alarm:${generated(id)}`],
      ['cloudwatch:DeleteAlarms', `arn:aws:cloudwatch:${at}:alarm:${generated(id)}`],
    ],
    'AWS::SNS::Topic': (r) => ['CreateTopic', 'DeleteTopic'].map((a) => [`sns:${a}`, `arn:aws:sns:${at}:${r.Properties.TopicName}`]),
    'AWS::SNS::Subscription': () => [['sns:Subscribe', `arn:aws:sns:${at}:${resources.AlarmTopic!.Properties.TopicName}`]],
    'AWS::SQS::Queue': (r) =>
      ['CreateQueue', 'SetQueueAttributes', 'DeleteQueue'].map((a) => [`sqs:${a}`, `arn:aws:sqs:${at}:${r.Properties.QueueName}`]),
    'AWS::S3::Bucket': (_, id) =>
      ['CreateBucket', 'PutEncryptionConfiguration', 'PutObject', 'DeleteBucket'].map((a) => [
        `s3:${a}`,
        `arn:aws:s3:::${generated(id).toLowerCase()}`,
      ]),
    'AWS::S3::BucketPolicy': (r) => [['s3:PutBucketPolicy', `arn:aws:s3:::${generated(r.Properties.Bucket.Ref).toLowerCase()}`]],
    'AWS::ApiGatewayV2::Api': () => [['apigateway:POST', 'arn:aws:apigateway:us-east-1::/apis']],
    'AWS::ApiGatewayV2::Stage': () => [['apigateway:POST', 'arn:aws:apigateway:us-east-1::/apis/a1b2c3/stages']],
    'AWS::ApiGatewayV2::Route': () => [['apigateway:POST', 'arn:aws:apigateway:us-east-1::/apis/a1b2c3/routes']],
    'AWS::ApiGatewayV2::Integration': () => [['apigateway:POST', 'arn:aws:apigateway:us-east-1::/apis/a1b2c3/integrations']],
  };

  it("lets CloudFormation create, change and delete every resource of the template, on this service's names", () => {
    // Every option on, so the conditional resources (the node endpoint) count too.
    const all = { ...withParams().Resources, ...resources };
    const types = new Set(Object.values(all).map((r) => r.Type));
    for (const type of types) expect(Object.keys(needs), `${type}: add what it needs to the policy and here`).toContain(type);
    for (const [id, r] of Object.entries(all)) {
      for (const [action, arn] of needs[r.Type]!(r, id)) expect(allows(action, arn), `${id}: ${action} on ${arn}`).toBe(true);
    }
    for (const action of ['CreateChangeSet', 'ExecuteChangeSet', 'DeleteStack', 'DescribeStacks'])
      expect(allows(`cloudformation:${action}`, `arn:aws:cloudformation:${at}:stack/roster-dev/0f1e2d`), action).toBe(true);
  }, 120_000);

  it('grants nothing outside the service: no action on another stack, function, table or role', () => {
    expect(allows('lambda:UpdateFunctionCode', `arn:aws:lambda:${at}:function:payments-prod-charge`)).toBe(false);
    expect(allows('dynamodb:DeleteTable', `arn:aws:dynamodb:${at}:table/payments`)).toBe(false);
    expect(allows('iam:PutRolePolicy', 'arn:aws:iam::123456789012:role/Admin')).toBe(false);
    expect(allows('cloudformation:DeleteStack', `arn:aws:cloudformation:${at}:stack/payments/0f1e2d`)).toBe(false);
    expect(allows('ssm:GetParameters', `arn:aws:ssm:${at}:parameter/payments/key`)).toBe(false);
    // No table data: the deployer manages the table, the functions read and write it.
    expect(allows('dynamodb:GetItem', `arn:aws:dynamodb:${at}:table/roster-dev`)).toBe(false);
    expect(allows('ssm:GetParameter', `arn:aws:ssm:${at}:parameter/roster/dev/token-secret`)).toBe(false);
    // `*` resources only for calls that name no resource.
    for (const s of policy.Statement.filter((s) => [s.Resource].flat().includes('*')))
      expect(s.Action.sort()).toEqual(
        expect.arrayContaining(s.Action.filter((a) => /ValidateTemplate|ListStacks|DescribeLogGroups/.test(a))),
      );
    for (const s of policy.Statement) for (const a of s.Action) expect(a, s.Action.join()).not.toMatch(/(^\*|:\*)$/);
  });
});

describe('docs/deploy.md against the template', () => {
  const doc = readFileSync(join(root, 'docs/deploy.md'), 'utf8');
  const commands = [...doc.matchAll(/```sh\n([\s\S]*?)```/g)]
    .flatMap((m) => m[1]!.replace(/\\\n\s*/g, ' ').split('\n'))
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter(Boolean);

  it('gives every osls and regional aws command the same stage and region', () => {
    const osls = commands.filter((c) => /\bosls\b/.test(c));
    expect(osls.map((c) => c.split(' ')[2])).toEqual(expect.arrayContaining(['deploy', 'invoke', 'info', 'remove']));
    for (const c of osls) expect(c).toMatch(/--stage \$STAGE --region \$REGION/);
    const aws = commands.filter((c) => /(^|[(\s])aws (?!iam )\w/.test(c));
    expect(aws.length).toBeGreaterThan(5);
    for (const c of aws) expect(c, c).toMatch(/--region \$REGION/);
    for (const c of commands.filter((c) => c.includes('deploy:check'))) expect(c).toMatch(/--stage \$STAGE --region \$REGION/);
  });

  it('lists every deploy parameter the service reads, and every output the stack gives', () => {
    const sources = [
      'serverless.yml',
      ...['limits.yml', 'operations.yml', 'table.yml', 'node-endpoint.yml'].map((f) => `infra/serverless/${f}`),
    ];
    const params = new Set(sources.flatMap((f) => [...readFileSync(join(root, f), 'utf8').matchAll(/\$\{param:(\w+)/g)].map((m) => m[1]!)));
    expect(params.size).toBeGreaterThanOrEqual(9);
    for (const p of params) expect(doc, p).toMatch(new RegExp(`^\\| \`${p}\` `, 'm'));
    const outputs = Object.keys(withParams().Outputs).filter(
      (o) => !/^(ServerlessDeploymentBucketName|HttpApi(Id|Url)|\w+LambdaFunctionUrl)$/.test(o),
    );
    expect(outputs.sort()).toEqual(['AlarmTopicArn', 'ApiUrl', 'ConsoleUrl', 'NodeUrl']);
    for (const o of outputs) expect(doc, o).toContain(`\`${o}\``);
  }, 120_000);
});
