import { randomBytes } from 'node:crypto';
import { accessToken, bearer } from './auth';
import { client } from './http';
import type { Runtime } from './runtime';

/** Helpers for membership tests: mint a token as admin, join as a node, heartbeat with its credential. */
export async function clusterClients(rt: Runtime) {
  const admin = client(rt.url, bearer(await accessToken(rt, 'admin')));
  const operator = client(rt.url, bearer(await accessToken(rt, 'operator')));
  const readonly = client(rt.url, bearer(await accessToken(rt, 'readonly')));
  const anonymous = client(rt.url);

  const mint = async (nodeID: number, ttlSeconds?: number) => {
    const res = await admin.post('/api/v1/cluster/pki/join-tokens', { nodeID, ...(ttlSeconds ? { ttlSeconds } : {}) });
    if (res.status !== 201) throw new Error(`mint ${nodeID}: ${res.status} ${res.text}`);
    return res.body.result.token as string;
  };

  // A host of its own per node id (10.0.0.<id> below 256): no two members share a peer URL.
  const host = (nodeId: number) => `10.${Math.floor(nodeId / 65536) % 256}.${Math.floor(nodeId / 256) % 256}.${nodeId % 256}`;
  const joinBody = (token: string, nodeId: number) => ({
    token,
    raftAddress: `${host(nodeId)}:7000`,
    apiAddress: `${host(nodeId)}:5002`,
    binaryVersion: 'v1.2.3',
    certFingerprint: `sha256:${randomBytes(8).toString('hex')}`,
  });

  /** Joins node `nodeId` with a fresh token; returns the join answer and a client holding its credential. */
  const join = async (nodeId: number) => {
    const res = await anonymous.post('/api/v1/cluster/join', joinBody(await mint(nodeId), nodeId));
    if (res.status !== 201) throw new Error(`join ${nodeId}: ${res.status} ${res.text}`);
    return { answer: res.body.result, node: client(rt.url, bearer(res.body.result.nodeToken)) };
  };

  const beat = (node: ReturnType<typeof client>, nodeId: number) => node.post(`/api/v1/cluster/members/${nodeId}/heartbeat`);

  return { admin, operator, readonly, anonymous, mint, joinBody, join, beat };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `probe` is true or `ms` pass; deadlines are behaviour, so assert before and after with margins. */
export async function eventually(probe: () => Promise<boolean>, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await probe()) return true;
    await sleep(100);
  }
  return probe();
}
