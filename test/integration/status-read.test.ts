import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createLocalTable } from '../support/table';

// The code reads its table from the environment at import, as on Lambda.
process.env.DYNAMODB_ENDPOINT = inject('dynamodbEndpoint');
process.env.TABLE_NAME = `status-${randomBytes(4).toString('hex')}`;
const { getStatus } = await import('../../lib/system/status');
const { ensureClusterMeta, findClusterMeta } = await import('../../lib/cluster/meta');

beforeAll(async () => {
  await createLocalTable(process.env.TABLE_NAME!);
});

describe('GET /status on its read-only role', () => {
  it('reads the cluster item and never mints it: before the cluster begins, not initialized and no clusterId', async () => {
    const before = await getStatus();
    expect(before).toMatchObject({ initialized: false, cluster: { leaderNodeId: 0, appliedIndex: 0, raftTerm: 0 } });
    expect(before.cluster).not.toHaveProperty('clusterId');
    expect(await findClusterMeta(true)).toBeUndefined();

    const meta = await ensureClusterMeta(true);
    expect((await getStatus()).cluster.clusterId).toBe(String(meta.clusterId));
  });
});
