/**
 * etcd on loopback, for section 4: started from Debian's etcd-server when it is
 * installed, reached through its HTTP/JSON gateway (/v3/...). Nothing here downloads.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../infra/local/dynamodb';
import { loadClient } from './load';

export interface Etcd {
  url: string;
  version: string;
  stop(): Promise<void>;
}

/** The etcd binary, or undefined when Debian's etcd-server is not installed. */
export function findEtcd(): string | undefined {
  for (const bin of ['etcd', '/usr/bin/etcd']) if (!spawnSync(bin, ['--version']).error) return bin;
  return undefined;
}

export async function startEtcd(bin: string): Promise<Etcd> {
  const [client, peer] = [await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), 'roster-bench-etcd-'));
  const url = `http://127.0.0.1:${client}`;
  const child: ChildProcess = spawn(
    bin,
    [
      '--name',
      'bench',
      '--data-dir',
      dir,
      '--listen-client-urls',
      url,
      '--advertise-client-urls',
      url,
      '--listen-peer-urls',
      `http://127.0.0.1:${peer}`,
      '--initial-advertise-peer-urls',
      `http://127.0.0.1:${peer}`,
      '--initial-cluster',
      `bench=http://127.0.0.1:${peer}`,
    ],
    { stdio: 'ignore', env: { ...process.env, ETCD_UNSUPPORTED_ARCH: process.arch === 'x64' ? '' : process.arch } },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const version = spawnSync(bin, ['--version']).stdout.toString().split('\n')[0] ?? 'etcd';
  for (let i = 0; i < 100; i++) {
    try {
      const res = await fetch(`${url}/v3/cluster/member/list`, { method: 'POST', body: '{}' });
      if (res.ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    version,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const ok = (status: number, what: string) => {
  if (status !== 200) throw new Error(`${what}: ${status}`);
};

/**
 * The etcd operations section 4 sets beside Roster's, through the same lean keep-alive
 * client (./load) the Roster side uses: fetch cost more CPU than etcd's answer.
 */
export function etcdOps(etcd: Etcd) {
  const web = loadClient(etcd.url);
  const post = (path: string, body: unknown) => web.send('POST', path, body);
  return {
    /** A lease's ID, for the keepalives (untimed). */
    lease: async () => (await web.json<{ ID: string }>('POST', '/v3/lease/grant', { TTL: 600 })).body.ID,
    grant: async () => ok(await post('/v3/lease/grant', { TTL: 60 }), 'grant'),
    keepalive: async (id: string) => ok(await post('/v3/lease/keepalive', { ID: id }), 'keepalive'),
    /** A compare-and-swap write, a heartbeat's kind: put the key only if it exists (one txn). */
    cas: async (key: string) => {
      const { status, body } = await web.json<{ succeeded?: boolean }>('POST', '/v3/kv/txn', {
        compare: [{ key: b64(key), target: 'CREATE', result: 'GREATER', create_revision: '0' }],
        success: [{ request_put: { key: b64(key), value: b64(String(Date.now())) } }],
      });
      if (status !== 200 || !body.succeeded) throw new Error(`txn: ${status}`);
    },
    put: async (key: string) => ok(await post('/v3/kv/put', { key: b64(key), value: b64('0') }), 'put'),
    /** A lock's acquire and release: a lease, a put under it only if the key is free (txn), the lease revoked. */
    acquireRelease: async (key: string) => {
      const id = (await web.json<{ ID: string }>('POST', '/v3/lease/grant', { TTL: 60 })).body.ID;
      const { body } = await web.json<{ succeeded?: boolean }>('POST', '/v3/kv/txn', {
        compare: [{ key: b64(key), target: 'CREATE', result: 'EQUAL', create_revision: '0' }],
        success: [{ request_put: { key: b64(key), value: b64('held'), lease: id } }],
      });
      if (!body.succeeded) throw new Error('lock taken');
      ok(await post('/v3/lease/revoke', { ID: id }), 'revoke');
    },
    /** A join's kind: a learner added (it counts for no quorum) and removed again; etcd 3.4 takes one learner at a time. */
    join: async (n: number) => {
      const { status, body } = await web.json<{ member?: { ID: string } }>('POST', '/v3/cluster/member/add', {
        peerURLs: [`http://127.0.0.2:${20000 + (n % 40000)}`],
        isLearner: true,
      });
      if (status !== 200 || !body.member) throw new Error(`member add: ${status}`);
      ok(await post('/v3/cluster/member/remove', { ID: body.member.ID }), 'member remove');
    },
    memberList: async () => ok(await post('/v3/cluster/member/list', {}), 'member list'),
    close: () => web.close(),
  };
}
