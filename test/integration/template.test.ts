import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { NOT_FOUND_FN, routes } from '../../lib/http/routes';
import { tableDefinition } from '../../lib/store/table';
import { tasks } from '../../lib/tasks';
import { roleOf } from '../../infra/serverless/generate';

type Resource = { Type: string; Properties: Record<string, any> };
let resources: Record<string, Resource>;
const root = fileURLToPath(new URL('../..', import.meta.url));
mkdirSync(join(root, '.roster'), { recursive: true });
const service = mkdtempSync(join(root, '.roster', 'package-'));
const out = join(service, '.serverless');

beforeAll(() => {
  // `osls package` runs offline on a copy of the service with this run's bundles, so a
  // concurrent build of dist/ cannot change what it packages.
  cpSync(join(root, 'serverless.yml'), join(service, 'serverless.yml'));
  cpSync(join(root, 'infra'), join(service, 'infra'), { recursive: true });
  cpSync(inject('distDir'), join(service, 'dist'), { recursive: true });
  execFileSync(join(root, 'node_modules/.bin/osls'), ['package', '--package', out], {
    cwd: service,
    env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
    stdio: 'pipe',
  });
  resources = JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8')).Resources;
}, 120_000);
afterAll(() => rmSync(service, { recursive: true, force: true }));

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const lambdas = () => ofType('AWS::Lambda::Function').map(([, r]) => r.Properties);
const shortName = (fullName: string) => fullName.replace(/^roster-dev-/, '');

describe('the packaged CloudFormation template', () => {
  it('has exactly the routes of the route table, plus $default', () => {
    const inTemplate = ofType('AWS::ApiGatewayV2::Route')
      .map(([, r]) => r.Properties.RouteKey as string)
      .sort();
    const inTable = [...routes.map((r) => `${r.method} ${r.path}`), '$default'].sort();
    expect(inTemplate).toEqual(inTable);
  });

  it('has one Lambda per function of the table, each on nodejs22.x arm64 with its own bundle', () => {
    const expected = [...new Set([...routes.map((r) => r.fn), NOT_FOUND_FN, ...tasks.map((t) => t.fn)])].sort();
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
    for (const r of routes) expect(byName.get(r.fn), r.fn).toEqual({ 'Fn::GetAtt': [roleOf(r), 'Arn'] });
    const writes = /dynamodb:(Put|Update|Delete|BatchWrite|ConditionCheck)|states:/;
    for (const s of statements()) {
      if (/Roster(None|Read)Role/.test(s.role)) for (const a of s.Action) expect(a, `${s.role}: ${a}`).not.toMatch(writes);
    }
  });
});
