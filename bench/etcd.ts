/**
 * etcd on loopback, for section 4: started from Debian's etcd-server when it is
 * installed, reached through its HTTP/JSON gateway (/v3/...). Nothing here downloads.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../infra/local/dynamodb';

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

const post = async (url: string, body: unknown) => {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return json;
};

/** The etcd operations section 4 sets beside Roster's lease acquire, renew and member list. */
export const etcdOps = (etcd: Etcd) => ({
  grant: async () => (await post(`${etcd.url}/v3/lease/grant`, { TTL: 60 })).ID as string,
  keepalive: (id: string) => post(`${etcd.url}/v3/lease/keepalive`, { ID: id }),
  memberList: () => post(`${etcd.url}/v3/cluster/member/list`, {}),
});
