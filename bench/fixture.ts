/** A running cluster for the benchmark: a runtime on its own table, an admin and joined nodes. */
import type { Runtime } from '../infra/local/supervise';
import { clusterClients } from '../test/support/cluster';

export type Cluster = Awaited<ReturnType<typeof clusterClients>>;
/** A joined node: its id, a client holding its credential, and the credential itself. */
export type Node = { nodeId: number; node: Awaited<ReturnType<Cluster['join']>>['node']; token: string };

export async function joinNodes(cluster: Cluster, from: number, count: number): Promise<Node[]> {
  const nodes: Node[] = [];
  for (let nodeId = from; nodeId < from + count; nodeId += 8) {
    const batch = Array.from({ length: Math.min(8, from + count - nodeId) }, (_, i) => nodeId + i);
    nodes.push(
      ...(await Promise.all(
        batch.map(async (id) => {
          const { answer, node } = await cluster.join(id);
          return { nodeId: id, node, token: answer.nodeToken as string };
        }),
      )),
    );
  }
  return nodes;
}

export const clients = (rt: Runtime) => clusterClients(rt);
