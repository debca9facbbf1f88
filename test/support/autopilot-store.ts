import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { ensureTable } from '../../infra/local/table';
import type { AutopilotSettings } from '../../lib/autopilot/rules';
import type { Member } from '../../lib/cluster/member';

/**
 * Autopilot against DynamoDB Local in this process, on a fake clock: every rule takes
 * `now`, so a test moves time by passing a later one. The code reads its table and its
 * settings from the environment at import, as on Lambda, so they are set first.
 */
process.env.DYNAMODB_ENDPOINT = inject('dynamodbEndpoint');
process.env.TABLE_NAME = `autopilot-${randomBytes(4).toString('hex')}`;
process.env.AUTOPILOT_LAST_CONTACT_THRESHOLD_SECONDS = '10';
process.env.LEADER_LEASE_SECONDS = '10';

export const { documents, dynamodb, TABLE } = await import('../../lib/store/client');
export const { keys, MEMBER_SHARDS } = await import('../../lib/store/keys');
const { memberToItem } = await import('../../lib/cluster/member');
const { ensureClusterMeta } = await import('../../lib/cluster/meta');
export const { watcherPass } = await import('../../lib/autopilot/watcher');
const { recordHeartbeat: record } = await import('../../lib/cluster/member-state-store');
export const { listMembers } = await import('../../lib/cluster/member-reads');
/** A heartbeat's store write (its refusal is an outcome, not an error). */
export const recordHeartbeat = (nodeId: number, credentialHash: string, now: number) => record({ nodeId, credentialHash, now });
export const { electLeader, renewLeader, transferLeadership, abdicate } = await import('../../lib/cluster/leader');
export const { beginDrain, resume } = await import('../../lib/drain/transitions');
export const { autopilotView } = await import('../../lib/autopilot/rules');

export const THRESHOLD_S = 10;
export const settings = (over: Partial<AutopilotSettings> = {}): AutopilotSettings => ({
  lastContactThresholdSeconds: THRESHOLD_S,
  serverStabilizationSeconds: 10,
  cleanupDeadServers: true,
  deadServerSeconds: 30,
  minQuorum: 3,
  ...over,
});

export async function createTable(): Promise<void> {
  const client = new DynamoDBClient({
    endpoint: process.env.DYNAMODB_ENDPOINT,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  await ensureTable(client, TABLE);
  client.destroy();
}

export const CREDENTIAL = 'hash';

export { memberAt as member } from './member';

/** Empties the cluster partition, then writes `members` and a cluster item whose counters match them. */
export async function seed(members: readonly Member[], lease: { leaderNodeId: number; leaderExpiresAt: number; raftTerm?: number }) {
  // The cluster partition (the cluster item, the range counter) and every member shard's.
  const partitions = [keys.clusterPartition, ...keys.memberKeyspaces.map((s) => s.partition)];
  const found = await Promise.all(
    partitions.map((pk) =>
      documents.send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ProjectionExpression: 'PK, SK',
          ConsistentRead: true,
        }),
      ),
    ),
  );
  const Items = found.flatMap((out) => out.Items ?? []);
  for (let i = 0; i < Items.length; i += 25) {
    await documents.send(
      new BatchWriteCommand({ RequestItems: { [TABLE]: Items.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } })) } }),
    );
  }
  await ensureClusterMeta(true);
  await documents.send(
    new UpdateCommand({
      TableName: TABLE,
      Key: keys.clusterMeta(),
      UpdateExpression: 'SET leaderNodeId = :l, leaderExpiresAt = :e, raftTerm = :t, memberCount = :m, voterCount = :v',
      ExpressionAttributeValues: {
        ':l': lease.leaderNodeId,
        ':e': lease.leaderExpiresAt,
        ':t': lease.raftTerm ?? 1,
        ':m': members.length,
        ':v': members.filter((m) => m.suffrage === 'voter').length,
      },
    }),
  );
  for (const m of members) {
    await documents.send(
      new PutCommand({ TableName: TABLE, Item: memberToItem(m, { credentialHash: CREDENTIAL, credentialId: 'c', joinedJti: 'j' }) }),
    );
  }
}

export const readMembers = (): Promise<Member[]> => listMembers(true);

export const readMeta = () => ensureClusterMeta(true);

/** The audit entries of the fake clock's day `at`. */
export async function auditOf(at: number): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await documents.send(
    new QueryCommand({
      TableName: TABLE,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.audit(new Date(at), '').PK },
      ConsistentRead: true,
    }),
  );
  return Items;
}

/** The DynamoDB operations sent while `fn` runs, by name (QueryCommand, ScanCommand, …). */
export async function commandsDuring<T>(fn: () => Promise<T>): Promise<{ result: T; commands: string[] }> {
  const commands: string[] = [];
  const name = `count-${randomBytes(4).toString('hex')}`;
  dynamodb.middlewareStack.add(
    (next, context) => (args) => {
      commands.push(context.commandName ?? '?');
      return next(args);
    },
    { step: 'initialize', name },
  );
  try {
    return { result: await fn(), commands };
  } finally {
    dynamodb.middlewareStack.remove(name);
  }
}
