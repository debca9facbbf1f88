import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { keys } from '../../lib/store/keys';
import { clusterClients } from '../support/cluster';
import { startRuntime, type Runtime } from '../support/runtime';

/**
 * Every view of the leader says the same once its lease lapses: the member list's
 * `isLeader`, autopilot's `leaderNodeId` and the status's. The cluster item keeps the last
 * holder's id until someone takes the lease (a term is not reused), so a view that read the
 * id alone went on marking a leader that autopilot already reported gone.
 */

// No watcher (it would elect a new leader) and a lease that outlasts the file: lapsing it is done by hand.
const ENV = { ROSTER_WATCHER_INTERVAL_SECONDS: '3600', LEADER_LEASE_SECONDS: '600' };

let rt: Runtime;
let c: Awaited<ReturnType<typeof clusterClients>>;
let store: DynamoDBDocumentClient;

beforeAll(async () => {
  rt = await startRuntime(ENV);
  c = await clusterClients(rt);
  store = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: inject('dynamodbEndpoint'),
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    }),
  );
}, 120_000);

afterAll(async () => {
  store?.destroy();
  await rt?.stop();
});

const views = async () => {
  const [members, autopilot, status] = await Promise.all([
    c.readonly.get('/api/v1/cluster/members'),
    c.readonly.get('/api/v1/cluster/autopilot'),
    c.readonly.get('/api/v1/status'),
  ]);
  return {
    marked: (members.body.result as { nodeId: number; isLeader: boolean }[]).filter((m) => m.isLeader).map((m) => m.nodeId),
    autopilot: autopilot.body.result.leaderNodeId as number,
    status: status.body.result.cluster.leaderNodeId as number,
  };
};

describe('the leader as every view tells it', () => {
  it('is the lease holder while the lease runs, and nobody in all three views once it lapses', async () => {
    const { node } = await c.join(1);
    await c.join(2);
    expect((await c.beat(node, 1)).status).toBe(200);
    expect(await views()).toEqual({ marked: [1], autopilot: 1, status: 1 });

    // The lease lapses with its holder's id still on the cluster item.
    await store.send(
      new UpdateCommand({
        TableName: rt.env.TABLE_NAME,
        Key: keys.clusterMeta(),
        UpdateExpression: 'SET leaderExpiresAt = :past',
        ExpressionAttributeValues: { ':past': Date.now() - 1_000 },
      }),
    );
    expect(await views()).toEqual({ marked: [], autopilot: 0, status: 0 });
  });
});
