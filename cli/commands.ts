import { nodeIdArg, positional, seconds, type parse } from './args';
import { Api, request, sessionCookie } from './client';
import { readContext, removeContext, writeContext, configFile } from './config';
import { Failure, UsageError } from './errors';
import { format, print } from './output';
import { readHidden, readStdin } from './prompt';

type Values = Record<string, string | boolean | undefined>;

export interface Command {
  usage: string;
  options?: Parameters<typeof parse>[1];
  /** Resolves to the exit code. */
  run(values: Values, positionals: string[]): Promise<number | void>;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const enc = encodeURIComponent;
const out = (values: Values) => format(str(values.output));

/** A read: GET `path` and print it. */
const read = (path: string, columns?: string[]) => async (values: Values) =>
  print(await (await Api.open()).get(path), out(values), columns);

const MEMBER_COLUMNS = ['nodeId', 'suffrage', 'isLeader', 'drainState', 'nodeStatus', 'activeLeases', 'apiAddress', 'lastHeartbeatAt'];
const ROLES: Record<string, number> = { admin: 1, readonly: 2, operator: 3 };
const ROLE_NAMES: Record<number, string> = { 1: 'admin', 2: 'readonly', 3: 'operator' };

function role(value: unknown): number {
  const id = ROLES[String(value)];
  if (id === undefined) throw new UsageError(`--role must be admin, operator or readonly, not "${String(value)}"`);
  return id;
}

async function password(values: Values, question: string): Promise<string> {
  return values['password-stdin'] ? readStdin() : readHidden(question);
}

const done = (message: string) => void process.stderr.write(`${message}\n`);

export const commands: Record<string, Command> = {
  login: {
    usage: `rosterctl login --url URL [--email E] [--password-stdin]
rosterctl login --url URL --api-token T

Logs in and keeps the context in ${'$XDG_CONFIG_HOME'}/roster/config.json (mode 0600). With an email
the password is asked for without echo (or read from stdin); the access token is renewed
with the session cookie. ROSTER_URL and ROSTER_TOKEN override the saved context.`,
    options: {
      url: { type: 'string' },
      email: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      'api-token': { type: 'string' },
    },
    async run(values, positionals) {
      positional(positionals, '', 0);
      const url = str(values.url) ?? process.env.ROSTER_URL ?? (await readContext())?.url;
      if (!url) throw new UsageError('--url is required');
      const apiToken = str(values['api-token']);
      if (apiToken) {
        if (values.email || values['password-stdin']) throw new UsageError('--api-token takes no --email or --password-stdin');
        const me = (await request(url, 'GET', '/api/v1/users/me', { token: apiToken })).result as { email?: string };
        await writeContext({ url, apiToken, ...(me?.email ? { email: me.email } : {}) });
        return done(`logged in to ${url} with an API token${me?.email ? ` of ${me.email}` : ''}`);
      }
      const email = str(values.email);
      if (!email) throw new UsageError('--email or --api-token is required');
      const answer = await request(url, 'POST', '/api/v1/auth/login', {
        body: { email, password: await password(values, `Password for ${email}: `) },
      });
      const session = sessionCookie(answer.cookies);
      await writeContext({ url, email, accessToken: (answer.result as { token: string }).token, ...(session ? { session } : {}) });
      done(`logged in to ${url} as ${email}`);
    },
  },

  logout: {
    usage: 'rosterctl logout\n\nEnds the saved session and forgets the context.',
    async run(_values, positionals) {
      positional(positionals, '', 0);
      const ctx = await readContext();
      if (ctx?.session) await request(ctx.url, 'POST', '/api/v1/auth/logout', { cookie: ctx.session }).catch(() => undefined);
      await removeContext();
      done(ctx ? `logged out of ${ctx.url}` : `not logged in (${configFile()})`);
    },
  },

  status: {
    usage: "rosterctl status [-o table|json]\n\nRoster's status: initialized, version, the cluster.",
    run: read('/api/v1/status'),
  },

  autopilot: {
    usage: 'rosterctl autopilot [-o table|json]\n\nAutopilot health: failure tolerance, each server.',
    run: read('/api/v1/cluster/autopilot'),
  },

  'member list': {
    usage: 'rosterctl member list [-o table|json]',
    run: read('/api/v1/cluster/members', MEMBER_COLUMNS),
  },
  'member get': {
    usage: 'rosterctl member get ID [-o table|json]',
    run: (values, p) => read(`/api/v1/cluster/members/${nodeIdArg(positional(p, 'ID'))}`)(values),
  },
  'member drain': {
    usage: `rosterctl member drain ID [--deadline 30s] [--force] [--wait [--timeout 10m]]

Drains a member now (no --deadline) or by a deadline. With --wait, shows its progress (state,
leases still held, time left) and exits 0 once it is drained, 1 at --timeout.`,
    options: { deadline: { type: 'string' }, force: { type: 'boolean' }, wait: { type: 'boolean' }, timeout: { type: 'string' } },
    async run(values, p) {
      const id = nodeIdArg(positional(p, 'ID'));
      const deadlineSeconds = values.deadline === undefined ? 0 : seconds(String(values.deadline), '--deadline');
      if (values.timeout !== undefined && !values.wait) throw new UsageError('--timeout needs --wait');
      const timeoutSeconds = values.timeout === undefined ? 600 : seconds(String(values.timeout), '--timeout');
      const api = await Api.open();
      const member = await api.call('POST', `/api/v1/cluster/members/${id}/drain${values.force ? '?force=true' : ''}`, { deadlineSeconds });
      if (!values.wait) return print(member, out(values));
      const { waitForDrain } = await import('./drain-wait');
      return waitForDrain(api, id, timeoutSeconds);
    },
  },
  'member resume': {
    usage: 'rosterctl member resume ID',
    run: async (values, p) =>
      print(await (await Api.open()).call('POST', `/api/v1/cluster/members/${nodeIdArg(positional(p, 'ID'))}/resume`), out(values)),
  },
  'member promote': {
    usage: 'rosterctl member promote ID',
    run: async (values, p) =>
      print(await (await Api.open()).call('POST', `/api/v1/cluster/members/${nodeIdArg(positional(p, 'ID'))}/promote`), out(values)),
  },
  'member remove': {
    usage: 'rosterctl member remove ID [--force]\n\nRemoves a drained member (any but the leader with --force), revoking its leases.',
    options: { force: { type: 'boolean' } },
    run: async (values, p) =>
      print(
        await (
          await Api.open()
        ).call('DELETE', `/api/v1/cluster/members/${nodeIdArg(positional(p, 'ID'))}${values.force ? '?force=true' : ''}`),
        out(values),
      ),
  },
  'member rotate-credential': {
    usage:
      'rosterctl member rotate-credential ID [-o table|json]\n\nGives the node a new credential (printed once); the old one stops at once.',
    run: async (values, p) =>
      print(await (await Api.open()).call('POST', `/api/v1/cluster/members/${nodeIdArg(positional(p, 'ID'))}/credential`), out(values)),
  },

  'join-token create': {
    usage: `rosterctl join-token create --node-id N [--ttl 30m] [-o table|json]

Mints a single-use join token for node N and prints it with a ready-to-paste agent start.`,
    options: { 'node-id': { type: 'string' }, ttl: { type: 'string' } },
    async run(values, p) {
      positional(p, '', 0);
      if (values['node-id'] === undefined) throw new UsageError('--node-id is required');
      const nodeID = nodeIdArg(String(values['node-id']), '--node-id');
      const ttlSeconds = values.ttl === undefined ? 1800 : seconds(String(values.ttl), '--ttl');
      const api = await Api.open();
      const result = (await api.call('POST', '/api/v1/cluster/pki/join-tokens', { nodeID, ttlSeconds })) as {
        token: string;
        expiresAt: number;
      };
      if (out(values) === 'json') return print({ nodeID, ...result }, 'json');
      process.stdout.write(
        `${result.token}\n\n# valid until ${new Date(result.expiresAt * 1000).toISOString()}; start node ${nodeID} with roster/agent, e.g.:\n` +
          `ROSTER_URL=${api.url} ROSTER_JOIN_TOKEN=${result.token} ROSTER_STATE_FILE=.roster/node-${nodeID}.json npx tsx examples/agent.ts\n`,
      );
    },
  },
  'join-token list': {
    usage: 'rosterctl join-token list [-o table|json]\n\nJoin tokens not yet used and not expired (ids only, never the tokens).',
    run: read('/api/v1/cluster/pki/join-tokens', ['id', 'nodeID', 'expiresAt', 'createdBy']),
  },
  'join-token revoke': {
    usage: 'rosterctl join-token revoke ID\n\nRevokes an unused join token: a join with it fails from now on.',
    async run(_values, p) {
      const id = positional(p, 'ID');
      await (await Api.open()).call('DELETE', `/api/v1/cluster/pki/join-tokens/${enc(id)}`);
      done(`revoked join token ${id}`);
    },
  },

  'lease list': {
    usage: 'rosterctl lease list [--node N] [-o table|json]',
    options: { node: { type: 'string' } },
    run: (values, p) => {
      positional(p, '', 0);
      const node = values.node === undefined ? '' : `?nodeId=${nodeIdArg(String(values.node), '--node')}`;
      return read(`/api/v1/leases${node}`, ['name', 'holder', 'fencingToken', 'expiresAt'])(values);
    },
  },
  'lease get': {
    usage: 'rosterctl lease get NAME [-o table|json]',
    run: (values, p) => read(`/api/v1/leases/${enc(positional(p, 'NAME'))}`)(values),
  },

  'user list': {
    usage: 'rosterctl user list [-o table|json]',
    async run(values, p) {
      positional(p, '', 0);
      const page = (await (await Api.open()).get('/api/v1/users?per_page=1000')) as { items: { email: string; role_id: number }[] };
      const rows = page.items.map((u) => ({ ...u, role: ROLE_NAMES[u.role_id] }));
      print(out(values) === 'json' ? page : rows, out(values), ['email', 'role']);
    },
  },
  'user create': {
    usage: 'rosterctl user create EMAIL --role admin|operator|readonly [--password-stdin]',
    options: { role: { type: 'string' }, 'password-stdin': { type: 'boolean' } },
    async run(values, p) {
      const email = positional(p, 'EMAIL');
      const role_id = role(values.role);
      const api = await Api.open();
      await api.call('POST', '/api/v1/users', { email, role_id, password: await password(values, `Password for ${email}: `) });
      done(`created ${email}`);
    },
  },
  'user delete': {
    usage: 'rosterctl user delete EMAIL',
    async run(_values, p) {
      const email = positional(p, 'EMAIL');
      await (await Api.open()).call('DELETE', `/api/v1/users/${enc(email)}`);
      done(`deleted ${email}`);
    },
  },
  'user set-role': {
    usage: 'rosterctl user set-role EMAIL admin|operator|readonly',
    async run(_values, p) {
      const email = positional(p, 'EMAIL ROLE', 2) && p[0]!;
      await (await Api.open()).call('PUT', `/api/v1/users/${enc(email)}`, { role_id: role(p[1]) });
      done(`${email} is now ${p[1]}`);
    },
  },

  'api-token list': {
    usage: 'rosterctl api-token list [-o table|json]',
    run: read('/api/v1/users/me/api-tokens?per_page=1000'),
  },
  'api-token create': {
    usage: 'rosterctl api-token create NAME [--expires-at ISO-8601] [-o table|json]\n\nPrints the token once.',
    options: { 'expires-at': { type: 'string' } },
    async run(values, p) {
      const name = positional(p, 'NAME');
      const expires = str(values['expires-at']);
      print(
        await (await Api.open()).call('POST', '/api/v1/users/me/api-tokens', { name, ...(expires ? { expires_at: expires } : {}) }),
        out(values),
      );
    },
  },
  'api-token delete': {
    usage: 'rosterctl api-token delete ID',
    async run(_values, p) {
      const id = positional(p, 'ID');
      await (await Api.open()).call('DELETE', `/api/v1/users/me/api-tokens/${enc(id)}`);
      done(`deleted API token ${id}`);
    },
  },

  audit: {
    usage: 'rosterctl audit [--user U] [--action A] [--since 1h] [-o table|json]\n\nThe audit log, newest first.',
    options: { user: { type: 'string' }, action: { type: 'string' }, since: { type: 'string' } },
    async run(values, p) {
      positional(p, '', 0);
      const q = new URLSearchParams();
      if (values.user) q.set('user', String(values.user));
      if (values.action) q.set('action', String(values.action));
      if (values.since) q.set('start', new Date(Date.now() - seconds(String(values.since), '--since') * 1000).toISOString());
      const query = q.size ? `?${q}` : '';
      return read(`/api/v1/logs/audit${query}`, ['timestamp', 'user', 'action', 'ip', 'details'])(values);
    },
  },
};

/** The groups, for `rosterctl member --help` and the top-level usage. */
export const groups = [
  ...new Set(
    Object.keys(commands)
      .filter((k) => k.includes(' '))
      .map((k) => k.split(' ')[0]!),
  ),
];

export { Failure };
