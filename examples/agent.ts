// A node in twenty lines: join (or rejoin from its state file), hold a lease, drain cleanly.
// ROSTER_URL=http://127.0.0.1:8080 ROSTER_JOIN_TOKEN=… npx tsx examples/agent.ts
import { Agent } from 'roster/agent';

const agent = await Agent.start({
  url: process.env.ROSTER_URL ?? 'http://127.0.0.1:8080',
  nodeUrl: process.env.ROSTER_NODE_URL, // the stack's NodeUrl output, if it has a node endpoint
  joinToken: process.env.ROSTER_JOIN_TOKEN, // only needed on the first start
  stateFile: process.env.ROSTER_STATE_FILE ?? '.roster/agent-state.json',
  raftAddress: '127.0.0.1:7000',
  apiAddress: '127.0.0.1:5002',
  binaryVersion: 'v1.0.0',
  certFingerprint: 'sha256:example',
  onDrain: async ({ deadline }) => console.log(`draining; hand work off before ${deadline?.toISOString() ?? 'now'}`),
});
agent.addEventListener('error', (e) => console.error('roster:', (e as CustomEvent).detail.message));
agent.addEventListener('drain', () => console.log('drain requested'));

const lease = await agent.acquire('jobs.scheduler', { ttlSeconds: 15 });
console.log(`node ${agent.nodeId} holds jobs.scheduler with fencing token ${lease.fencingToken}`);
lease.lost.addEventListener('abort', () => console.log('lost jobs.scheduler: stop scheduling'));

process.once('SIGTERM', () => void agent.stop().then(() => console.log('stopped')));
