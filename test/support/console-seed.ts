import { randomBytes } from 'node:crypto';
import { bearer } from './auth';
import { client } from './http';

type Client = ReturnType<typeof client>;

export interface Person {
  email: string;
  password: string;
}

/** The admin's token, by the login a person would use (the runtime was started with ADMIN_EMAIL/ADMIN_PASSWORD). */
export async function logIn(url: string, who: Person): Promise<Client> {
  const res = await client(url).post('/api/v1/auth/login', who);
  if (res.status !== 200) throw new Error(`login ${who.email}: ${res.status} ${res.text}`);
  return client(url, bearer(res.body.result.token));
}

export async function createUser(admin: Client, who: Person, role_id: 1 | 2 | 3): Promise<void> {
  const res = await admin.post('/api/v1/users', { ...who, role_id });
  if (res.status !== 201) throw new Error(`user ${who.email}: ${res.status} ${res.text}`);
}

/**
 * Joins nodes `ids` over HTTP as an operator would (a join token each, then the join), each
 * heartbeating once; the first to join leads. Returns each node's client.
 */
export async function joinNodes(url: string, admin: Client, ids: readonly number[]): Promise<Map<number, Client>> {
  const nodes = new Map<number, Client>();
  for (const id of ids) {
    const minted = await admin.post('/api/v1/cluster/pki/join-tokens', { nodeID: id, ttlSeconds: 600 });
    if (minted.status !== 201) throw new Error(`mint ${id}: ${minted.status} ${minted.text}`);
    const joined = await client(url).post('/api/v1/cluster/join', {
      token: minted.body.result.token,
      raftAddress: `10.0.0.${id}:7000`,
      apiAddress: `10.0.0.${id}:5002`,
      binaryVersion: 'v1.4.2',
      certFingerprint: `sha256:${randomBytes(8).toString('hex')}`,
    });
    if (joined.status !== 201) throw new Error(`join ${id}: ${joined.status} ${joined.text}`);
    const node = client(url, bearer(joined.body.result.nodeToken));
    nodes.set(id, node);
    await heartbeat(node, id);
  }
  return nodes;
}

export async function heartbeat(node: Client, id: number): Promise<void> {
  const res = await node.post(`/api/v1/cluster/members/${id}/heartbeat`);
  if (res.status !== 200) throw new Error(`heartbeat ${id}: ${res.status} ${res.text}`);
}
