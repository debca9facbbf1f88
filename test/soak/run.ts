/**
 * `npm run test:soak`: mixed load with faults for SOAK_MINUTES (default 2) against the local
 * runtime, whose store sits behind a fault proxy. Ends with a summary of operations, errors
 * by kind, and the invariants it checked; exits 1 when one was broken. Outside CI.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAll } from '../../infra/build';
import { startDynamoLocal } from '../../infra/local/dynamodb';
import { silenceSdkNodeVersionNotice } from '../../infra/local/quiet';
import { superviseRuntime } from '../../infra/local/supervise';
import { clusterClients } from '../support/cluster';
import { client, type Answer } from '../support/http';
import { randomFaults, startFaultProxy } from '../support/fault-proxy';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 2);
const NODES = Number(process.env.SOAK_NODES ?? 12);
const root = fileURLToPath(new URL('../..', import.meta.url));

const ops = new Map<string, Map<string, number>>();
const count = (op: string, outcome: string) => {
  const byOutcome = ops.get(op) ?? new Map<string, number>();
  byOutcome.set(outcome, (byOutcome.get(outcome) ?? 0) + 1);
  ops.set(op, byOutcome);
};
const violations: string[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function timed(op: string, call: () => Promise<Answer>): Promise<Answer | undefined> {
  try {
    const answer = await call();
    count(op, String(answer.status));
    if (answer.status >= 500 && answer.status !== 503) violations.push(`${op} answered ${answer.status}: ${answer.text.slice(0, 160)}`);
    return answer;
  } catch (err) {
    count(op, `network: ${(err as Error).message.slice(0, 40)}`);
    return undefined;
  }
}

async function main(): Promise<void> {
  silenceSdkNodeVersionNotice();
  mkdirSync(join(root, '.roster'), { recursive: true });
  const scratch = mkdtempSync(join(root, '.roster', 'soak-'));
  const dynamo = await startDynamoLocal(null);
  const proxy = await startFaultProxy(
    dynamo.endpoint,
    randomFaults({ throttle: 0.03, serverError: 0.02, latency: 0.1, lostAfterCommit: 0.01 }, 7),
  );
  try {
    await buildAll(join(scratch, 'dist'));
    const rt = await superviseRuntime(join(scratch, 'dist'), {
      DYNAMODB_ENDPOINT: proxy.endpoint,
      LEADER_LEASE_SECONDS: '3',
      AUTOPILOT_LAST_CONTACT_THRESHOLD_SECONDS: '5',
      ROSTER_WATCHER_INTERVAL_SECONDS: '5',
    });
    const c = await clusterClients(rt);
    const until = Date.now() + MINUTES * 60_000;
    const acked = new Set<number>();
    const terms = new Map<number, Set<number>>();
    const contended: { at: number; holder: number; token: number }[] = [];

    const worker = async (nodeId: number) => {
      // Join, retrying with the same token and Idempotency-Key until an answer is definite.
      const key = randomUUID();
      let token: string | undefined;
      for (let i = 0; i < 20 && !token; i++) token = await c.mint(nodeId).catch(() => undefined);
      if (!token) return void violations.push(`could not mint a join token for ${nodeId}`);
      let credential: string | undefined;
      for (let attempt = 0; attempt < 20 && !credential; attempt++) {
        const answer = await timed('join', () =>
          c.anonymous.post('/api/v1/cluster/join', c.joinBody(token!, nodeId), { 'idempotency-key': key }),
        );
        if (answer?.status === 201) credential = answer.body.result.nodeToken;
        else if (answer?.status === 401)
          return void violations.push(`join ${nodeId}: 401 for its own token and key (a false "token already used")`);
        else await sleep(200);
      }
      if (!credential) return void violations.push(`join ${nodeId} never got a definite answer`);
      acked.add(nodeId);
      const node = client(rt.url, { authorization: `Bearer ${credential}` });
      const mine = new Map<string, number>();
      while (Date.now() < until) {
        const roll = Math.random();
        if (roll < 0.4) {
          const hb = await timed('heartbeat', () => c.beat(node, nodeId));
          if (hb?.status === 200 && hb.body.result.leaderNodeId) {
            const set = terms.get(hb.body.result.raftTerm) ?? new Set<number>();
            set.add(hb.body.result.leaderNodeId);
            terms.set(hb.body.result.raftTerm, set);
          }
        } else if (roll < 0.65) {
          const name = `own-${nodeId}-${Math.floor(Math.random() * 3)}`;
          const held = mine.get(name);
          const answer =
            held === undefined || Math.random() < 0.5
              ? await timed('lease put', () =>
                  node.put(`/api/v1/leases/${name}`, { ttlSeconds: 30, ...(held ? { fencingToken: held } : {}) }),
                )
              : await timed('lease release', () => node.delete(`/api/v1/leases/${name}?fencingToken=${held}`));
          if (answer?.status === 200 && answer.body.result?.fencingToken) mine.set(name, answer.body.result.fencingToken);
          else if (answer?.status === 200) mine.delete(name);
          else if (answer?.status === 409) mine.delete(name);
        } else if (roll < 0.8) {
          const answer = await timed('contended lease', () => node.put('/api/v1/leases/contended', { ttlSeconds: 2 }));
          if (answer?.status === 200) contended.push({ at: Date.now(), holder: nodeId, token: answer.body.result.fencingToken });
        } else if (roll < 0.95) {
          await timed('member list', () => c.readonly.get('/api/v1/cluster/members'));
        } else {
          const target = 1 + Math.floor(Math.random() * NODES);
          await timed('drain', () => c.operator.post(`/api/v1/cluster/members/${target}/drain?force=true`, { deadlineSeconds: 5 }));
          await sleep(300);
          await timed('resume', () => c.operator.post(`/api/v1/cluster/members/${target}/resume`));
        }
      }
    };
    await Promise.all(Array.from({ length: NODES }, (_, i) => worker(i + 1)));

    // Invariants.
    const list = (await c.readonly.get('/api/v1/cluster/members')).body.result as { nodeId: number }[];
    const ids = list.map((m) => m.nodeId);
    if (new Set(ids).size !== ids.length) violations.push(`duplicate members: ${ids.join(',')}`);
    for (const id of acked) if (!ids.includes(id)) violations.push(`acknowledged join ${id} lost`);
    for (const [term, leaders] of terms) if (leaders.size > 1) violations.push(`term ${term} had leaders ${[...leaders].join(', ')}`);
    contended.sort((a, b) => a.at - b.at);
    for (let i = 1; i < contended.length; i++) {
      const [prev, next] = [contended[i - 1]!, contended[i]!];
      if (next.holder !== prev.holder && next.token <= prev.token)
        violations.push(`fencing token went from ${prev.token} to ${next.token} across holders`);
    }

    console.log(`\nSoak: ${MINUTES} min, ${NODES} nodes; faults injected: ${JSON.stringify(proxy.injected)}`);
    for (const [op, outcomes] of ops) console.log(`  ${op.padEnd(16)} ${[...outcomes].map(([o, n]) => `${o}×${n}`).join('  ')}`);
    console.log(
      'Invariants checked: no 5xx but 503; no acknowledged join lost; no duplicate member; no false "token used"; one leader per term; fencing tokens grow across holders',
    );
    console.log(violations.length ? `BROKEN (${violations.length}):\n  ${violations.slice(0, 20).join('\n  ')}` : 'all held');
    await rt.stop();
  } finally {
    await proxy.close();
    await dynamo.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
  process.exitCode = violations.length ? 1 : 0;
}

await main();
