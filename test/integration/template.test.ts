import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deployedRoutes, NOT_FOUND_FN, routes } from '../../lib/http/routes';
import { tableDefinition } from '../../lib/store/table';
import { tasks } from '../../lib/tasks';
import { roleOf } from '../../infra/serverless/generate';

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
    const expected = [...new Set([...deployedRoutes.map((r) => r.fn), NOT_FOUND_FN, ...tasks.map((t) => t.fn)])].sort();
    const fns = lambdas();
    expect(fns.map((f) => shortName(f.FunctionName)).sort()).toEqual(expected);
    for (const f of fns) {
      expect(f.Runtime).toBe('nodejs22.x');
      expect(f.Architectures).toEqual(['arm64']);
      expect(f.Handler).toBe(`dist/functions/${shortName(f.FunctionName)}.handler`);
    }
  });

  it('declares the table with on-demand billing, PK/SK, GSI1, TTL on expiresAt and point-in-time recovery', () => {
    const table = resources.RosterTable!.Properties;
    const local = tableDefinition('x');
    expect(table.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.KeySchema).toEqual(local.KeySchema);
    expect(table.AttributeDefinitions).toEqual(local.AttributeDefinitions);
    expect(table.GlobalSecondaryIndexes).toEqual(local.GlobalSecondaryIndexes);
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(table.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  });

  const statements = () =>
    ofType('AWS::IAM::Role').flatMap(([name, r]) =>
      (r.Properties.Policies as { PolicyDocument: { Statement: { Action: string[]; Resource: unknown[] }[] } }[]).flatMap((p) =>
        p.PolicyDocument.Statement.map((s) => ({ role: name, ...s })),
      ),
    );

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

    const withParams = packageTemplate(join(service, 'with-params'), ['passwordConcurrency=20', 'alarmEmail=ops@example.com']);
    expect(withParams.Conditions.CapPasswordConcurrency).toEqual({ 'Fn::Not': [{ 'Fn::Equals': ['20', '0'] }] });
    expect(withParams.Resources.AuthDashloginLambdaFunction!.Properties.ReservedConcurrentExecutions['Fn::If'][1]).toBe('20');
    expect(withParams.Resources.AlarmEmailSubscription!.Properties.Endpoint).toBe('ops@example.com');
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

  it('outputs the API URL', () => {
    expect(template.Outputs.ApiUrl.Value).toEqual({ 'Fn::GetAtt': ['HttpApi', 'ApiEndpoint'] });
  });
});
