import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Agent } from '../../agent';
import { commands } from '../../cli/commands';
import { accessToken, bearer } from '../support/auth';
import { clusterClients, eventually } from '../support/cluster';
import { client } from '../support/http';
import { startRuntime, type Runtime } from '../support/runtime';

let rt: Runtime;
let c: Awaited<ReturnType<typeof clusterClients>>;
const dir = mkdtempSync(join(tmpdir(), 'roster-cli-'));
const config = join(dir, 'xdg');
const configFile = join(config, 'roster', 'config.json');
const ADMIN = { email: 'cli-admin@roster.test', password: 'correct-horse-battery' };

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The built CLI, as `npx rosterctl` runs it, with its own config directory and no ROSTER_* from outside. */
function rosterctl(args: string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<Run> {
  const env: Record<string, string | undefined> = { ...process.env, XDG_CONFIG_HOME: config, ...options.env };
  if (!options.env?.ROSTER_URL) delete env.ROSTER_URL;
  if (!options.env?.ROSTER_TOKEN) delete env.ROSTER_TOKEN;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(inject('distDir'), 'cli', 'rosterctl.mjs'), ...args], { env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/**
 * The built CLI on a pseudo-terminal (util-linux `script`), as an operator at a shell runs it:
 * stdin and stdout are a TTY. `output` grows as the CLI writes; `type` sends keystrokes.
 */
function onTerminal(args: string[], env: Record<string, string> = {}) {
  const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, join(inject('distDir'), 'cli', 'rosterctl.mjs'), ...args].map(quote).join(' ');
  const childEnv: Record<string, string | undefined> = { ...process.env, XDG_CONFIG_HOME: config, TERM: 'xterm', ...env };
  if (!env.ROSTER_URL) delete childEnv.ROSTER_URL;
  if (!env.ROSTER_TOKEN) delete childEnv.ROSTER_TOKEN;
  const child = spawn('script', ['-qfec', command, '/dev/null'], { env: childEnv, stdio: 'pipe' });
  const session = {
    output: '',
    type: (keys: string) => void child.stdin.write(keys),
    exit: undefined as unknown as Promise<number | null>,
  };
  child.stdout.on('data', (d) => (session.output += d));
  child.stderr.on('data', (d) => (session.output += d));
  // stdin stays open until the CLI is done: an EOF would reach it as a typed ^D.
  session.exit = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  }).finally(() => child.stdin.end()) as Promise<number | null>;
  return session;
}

const json = (run: Run) => {
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout);
};

beforeAll(async () => {
  rt = await startRuntime({ HEARTBEAT_INTERVAL_SECONDS: '1' });
  c = await clusterClients(rt);
  expect((await c.anonymous.post('/api/v1/init', ADMIN)).status).toBe(201);
  await c.join(1);
});
afterAll(async () => {
  await rt?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('rosterctl', () => {
  it('logs in with --password-stdin and keeps the context readable by its user only', async () => {
    const run = await rosterctl(['login', '--url', rt.url, '--email', ADMIN.email, '--password-stdin'], { input: `${ADMIN.password}\n` });
    expect(run.code, run.stderr).toBe(0);
    expect(statSync(configFile).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(configFile, 'utf8'));
    expect(saved).toMatchObject({ url: rt.url, email: ADMIN.email, session: expect.stringMatching(/^roster_session=./) });
  });

  it('member list -o json parses, with the members', async () => {
    const members = json(await rosterctl(['member', 'list', '-o', 'json']));
    expect(members.map((m: { nodeId: number }) => m.nodeId)).toContain(1);
    const table = await rosterctl(['member', 'list', '-o', 'table']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^NODEID\s+SUFFRAGE/);
  });

  it('renews an access token the server turns down with the session cookie', async () => {
    const saved = JSON.parse(readFileSync(configFile, 'utf8'));
    writeFileSync(configFile, JSON.stringify({ ...saved, accessToken: 'expired.or.garbage' }), { mode: 0o600 });
    expect(json(await rosterctl(['member', 'get', '1', '-o', 'json'])).nodeId).toBe(1);
    expect(JSON.parse(readFileSync(configFile, 'utf8')).accessToken).not.toBe('expired.or.garbage');
  });

  it('member drain --deadline 20s --wait exits 0 once the agent has handed off and released its lease', async () => {
    let handedOff = false;
    const agent = await Agent.start({
      url: rt.url,
      joinToken: await c.mint(5),
      stateFile: join(dir, 'node-5.json'),
      raftAddress: '10.5.0.5:7000',
      apiAddress: '10.5.0.5:5002',
      binaryVersion: 'v1',
      certFingerprint: 'sha256:05',
      onDrain: () => void (handedOff = true),
    });
    try {
      await agent.acquire('cli.lease', { ttlSeconds: 30 });
      const run = await rosterctl(['member', 'drain', '5', '--deadline', '20s', '--wait', '--timeout', '2m']);
      expect(run.code, run.stderr).toBe(0);
      expect(handedOff).toBe(true);
      // Piped: plain lines, the first while draining, the last once drained.
      expect(run.stdout).not.toContain('\r');
      expect(run.stdout.trim().split('\n').at(-1)).toMatch(/^member 5: drained, 0 lease\(s\) held/);
      expect(json(await rosterctl(['member', 'get', '5'])).drainState).toBe('drained');
    } finally {
      await agent.stop();
    }
  }, 120_000);

  it('join-token create, list and revoke: a revoked token cannot join', async () => {
    const created = json(await rosterctl(['join-token', 'create', '--node-id', '6', '--ttl', '10m', '-o', 'json']));
    expect(created).toMatchObject({ nodeID: 6, token: expect.any(String), expiresAt: expect.any(Number) });
    const listed = json(await rosterctl(['join-token', 'list', '-o', 'json']));
    const entry = listed.find((t: { nodeID: number }) => t.nodeID === 6);
    expect(entry).toMatchObject({ id: expect.any(String), createdBy: `user:${ADMIN.email}` });
    expect(JSON.stringify(listed)).not.toContain(created.token);
    const revoke = await rosterctl(['join-token', 'revoke', entry.id]);
    expect(revoke.code, revoke.stderr).toBe(0);
    expect((await c.anonymous.post('/api/v1/cluster/join', c.joinBody(created.token, 6))).status).toBe(401);
    const human = await rosterctl(['join-token', 'create', '--node-id', '7', '-o', 'table']);
    expect(human.stdout).toContain('ROSTER_JOIN_TOKEN=');
  });

  it('audit reads the audit log, filtered by action and time', async () => {
    const all = json(await rosterctl(['audit', '--since', '1h', '-o', 'json']));
    expect(all.items.length).toBeGreaterThan(0);
    const revokes = json(await rosterctl(['audit', '--action', 'join-token.revoke', '-o', 'json']));
    expect(revokes.items.length).toBeGreaterThan(0);
    expect(revokes.items.every((e: { action: string; user: string }) => e.action === 'join-token.revoke' && e.user === ADMIN.email)).toBe(
      true,
    );
    const none = json(await rosterctl(['audit', '--user', 'nobody@roster.test', '-o', 'json']));
    expect(none.items).toEqual([]);
  });

  it('member rotate-credential: the old credential is 401, the new one works', async () => {
    const { answer, node } = await c.join(8);
    const rotated = json(await rosterctl(['member', 'rotate-credential', '8', '-o', 'json']));
    expect((await c.beat(node, 8)).status).toBe(401);
    expect(rotated.nodeToken).not.toBe(answer.nodeToken);
    expect((await c.beat(client(rt.url, bearer(rotated.nodeToken)), 8)).status).toBe(200);
  });

  it('a usage error exits 2 with the usage; --help exits 0', async () => {
    for (const args of [
      ['member', 'get', 'abc'],
      ['member', 'drain'],
      ['member', 'list', '--bogus'],
      ['frobnicate'],
      ['member', 'drain', '5', '--deadline', 'soon'],
    ]) {
      const run = await rosterctl(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/^rosterctl: /);
    }
    const help = await rosterctl(['member', 'drain', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--wait');
  });

  it("a server error exits 1 with the server's message on stderr", async () => {
    const direct = await c.admin.get('/api/v1/cluster/members/999');
    const run = await rosterctl(['member', 'get', '999']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`404: ${direct.body.error}`);
    const bad = await rosterctl(['member', 'list'], { env: { ROSTER_URL: rt.url, ROSTER_TOKEN: 'garbage' } });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/401/);
  });

  it('manages users and API tokens, and logs in with an API token', async () => {
    const email = 'cli-operator@roster.test';
    const create = await rosterctl(['user', 'create', email, '--role', 'operator', '--password-stdin'], { input: 'operator-password\n' });
    expect(create.code, create.stderr).toBe(0);
    expect((await rosterctl(['user', 'set-role', email, 'readonly'])).code).toBe(0);
    const users = json(await rosterctl(['user', 'list', '-o', 'json']));
    expect(users.items).toContainEqual({ email, role_id: 2 });
    expect((await rosterctl(['user', 'create', 'x@roster.test', '--role', 'root'])).code).toBe(2);

    const minted = json(await rosterctl(['api-token', 'create', 'ci', '-o', 'json']));
    expect(minted.token).toEqual(expect.any(String));
    expect(JSON.stringify(json(await rosterctl(['api-token', 'list', '-o', 'json'])))).toContain('"ci"');
    const other = join(dir, 'xdg-token');
    const viaToken = (args: string[]) => rosterctl(args, { env: { XDG_CONFIG_HOME: other } });
    expect((await viaToken(['login', '--url', rt.url, '--api-token', minted.token])).code).toBe(0);
    expect(JSON.parse(readFileSync(join(other, 'roster', 'config.json'), 'utf8'))).toMatchObject({ url: rt.url, apiToken: minted.token });
    expect((await viaToken(['member', 'get', '1'])).code).toBe(0);
    expect((await rosterctl(['user', 'delete', email])).code).toBe(0);
    expect(json(await rosterctl(['user', 'list', '-o', 'json'])).items.map((u: { email: string }) => u.email)).not.toContain(email);
  });

  it('on a terminal, drain --wait rewrites one line in place with the state, the leases held and the time left', async () => {
    const { node } = await c.join(9);
    const held = await node.put('/api/v1/leases/cli.tty', { ttlSeconds: 120 });
    expect(held.status).toBe(200);
    const term = onTerminal(['member', 'drain', '9', '--deadline', '60s', '--wait', '--timeout', '2m']);
    expect(await eventually(async () => /member 9: draining, 1 lease\(s\) held, deadline in \d+s/.test(term.output), 30_000)).toBe(true);
    // Rewritten in place: each update clears the line and returns to its start, no new line.
    expect(term.output).toContain('\r\x1b[2Kmember 9: draining, 1 lease(s) held, deadline in ');
    expect(term.output).not.toMatch(/held, deadline in \d+s\r?\n/);
    expect((await node.delete(`/api/v1/leases/cli.tty?fencingToken=${held.body.result.fencingToken}`)).status).toBe(200);
    expect(await term.exit).toBe(0);
    const last = term.output.slice(term.output.lastIndexOf('\r\x1b[2K'));
    expect(last).toMatch(/^\r\S*\[2Kmember 9: drained, 0 lease\(s\) held\r?\n$/);
  }, 120_000);

  it('prints a table on a terminal and JSON when piped, when no -o is given', async () => {
    const term = onTerminal(['member', 'list']);
    expect(await term.exit).toBe(0);
    expect(term.output).toMatch(/^NODEID\s+SUFFRAGE/);
    const piped = await rosterctl(['member', 'list']);
    expect(json(piped).map((m: { nodeId: number }) => m.nodeId)).toContain(1);
  });

  it('asks for the password on the terminal without echoing it', async () => {
    const other = join(dir, 'xdg-prompt');
    const term = onTerminal(['login', '--url', rt.url, '--email', ADMIN.email], { XDG_CONFIG_HOME: other });
    expect(await eventually(async () => term.output.includes(`Password for ${ADMIN.email}: `), 30_000)).toBe(true);
    term.type(`${ADMIN.password}\r`);
    expect(await term.exit).toBe(0);
    expect(term.output).toContain(`logged in to ${rt.url} as ${ADMIN.email}`);
    expect(term.output).not.toContain(ADMIN.password);
    expect(JSON.parse(readFileSync(join(other, 'roster', 'config.json'), 'utf8'))).toMatchObject({ url: rt.url, email: ADMIN.email });
  }, 60_000);

  it('answers --help on every command with its usage, and exits 0', async () => {
    const names = Object.keys(commands);
    expect(names.length).toBeGreaterThanOrEqual(20);
    for (const name of names) {
      const run = await rosterctl([...name.split(' '), '--help']);
      expect(run.code, name).toBe(0);
      expect(run.stdout, name).toMatch(new RegExp(`^rosterctl ${name}\\b`));
    }
    for (const group of ['member', 'join-token', 'lease', 'user', 'api-token']) {
      const run = await rosterctl([group, '--help']);
      expect(run.code, group).toBe(0);
      expect(
        run.stdout
          .split('\n')
          .filter(Boolean)
          .every((l) => l.startsWith(`rosterctl ${group} `)),
        group,
      ).toBe(true);
    }
  }, 120_000);

  it('takes -o table|json on every read, and refuses any other format with a usage error', async () => {
    const reads = [
      ['status'],
      ['autopilot'],
      ['member', 'list'],
      ['member', 'get', '1'],
      ['join-token', 'list'],
      ['lease', 'list'],
      ['lease', 'list', '--node', '1'],
      ['user', 'list'],
      ['api-token', 'list'],
      ['audit', '--since', '1h'],
    ];
    for (const args of reads) {
      json(await rosterctl([...args, '-o', 'json']));
      const table = await rosterctl([...args, '-o', 'table']);
      expect(table.code, args.join(' ')).toBe(0);
      expect(() => JSON.parse(table.stdout), args.join(' ')).toThrow();
    }
    const yaml = await rosterctl(['member', 'list', '-o', 'yaml']);
    expect(yaml.code).toBe(2);
    expect(yaml.stderr).toContain('-o must be table or json');
  }, 120_000);

  it('ROSTER_URL and ROSTER_TOKEN stand in for a login, and a saved login is never sent to another URL', async () => {
    const empty = join(dir, 'xdg-empty');
    const token = await accessToken(rt, 'admin');
    const members = json(
      await rosterctl(['member', 'list', '-o', 'json'], { env: { XDG_CONFIG_HOME: empty, ROSTER_URL: rt.url, ROSTER_TOKEN: token } }),
    );
    expect(members.map((m: { nodeId: number }) => m.nodeId)).toContain(1);
    // Logged in to rt.url, pointed elsewhere: the saved access token stays at home.
    const seen: (string | undefined)[] = [];
    const elsewhere = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"who are you"}');
    });
    await new Promise<void>((r) => elsewhere.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
      const run = await rosterctl(['member', 'list'], { env: { ROSTER_URL: url } });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('401: who are you');
      expect(seen).toEqual([undefined]);
    } finally {
      elsewhere.close();
    }
  });

  it('logout forgets the context', async () => {
    expect((await rosterctl(['logout'])).code).toBe(0);
    expect(() => statSync(configFile)).toThrow();
    const run = await rosterctl(['member', 'list']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('not logged in');
  });
});
