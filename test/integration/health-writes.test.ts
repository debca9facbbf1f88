import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { memberAt } from '../support/member';
import { createLocalTable } from '../support/table';

// The store reads its table from the environment at import, as on Lambda.
process.env.DYNAMODB_ENDPOINT = inject('dynamodbEndpoint');
process.env.TABLE_NAME = `health-${randomBytes(4).toString('hex')}`;
const { documents, TABLE } = await import('../../lib/store/client');
const { keys } = await import('../../lib/store/keys');
const { memberToItem, memberFromItem } = await import('../../lib/cluster/member');
const { recordHealth, HEALTH_TRANSITIONS_PER_WRITE } = await import('../../lib/cluster/member-state-store');
const { GetCommand, PutCommand, QueryCommand } = await import('@aws-sdk/lib-dynamodb');

beforeAll(() => createLocalTable(TABLE));

const NOW = Date.now();
const SILENT_SINCE = NOW - 60_000;
const failed = { healthy: false, stableSince: SILENT_SINCE };

async function seed(ids: number[]) {
  for (const id of ids) await documents.send(new PutCommand({ TableName: TABLE, Item: memberToItem(memberAt(id, SILENT_SINCE)) }));
}
const stored = async (id: number) =>
  memberFromItem((await documents.send(new GetCommand({ TableName: TABLE, Key: keys.member(id) }))).Item!);
/** The member.health entries written for this file's request id, by target. */
async function entries(requestId: string): Promise<string[]> {
  const out = await documents.send(
    new QueryCommand({
      TableName: TABLE,
      IndexName: 'GSI3',
      KeyConditionExpression: 'GSI3PK = :action',
      FilterExpression: 'requestId = :rid',
      ExpressionAttributeValues: { ':action': keys.auditActionPartition('member.health'), ':rid': requestId },
    }),
  );
  return (out.Items ?? []).map((i) => String(i.target)).sort();
}
const transition = (id: number, requestId: string, member = memberAt(id, SILENT_SINCE)) => ({
  member,
  health: failed,
  audit: { actor: 'system:autopilot', action: 'member.health', target: `member:${id}`, requestId, details: {} },
});

describe('health transitions, many to a write', () => {
  it('writes every transition with its entry, leaves out one whose member moved on, and records each once', async () => {
    const ids = Array.from({ length: HEALTH_TRANSITIONS_PER_WRITE }, (_, i) => 100 + i);
    await seed(ids);
    // Member 103 heartbeated after the pass read it: its failure must not be recorded, nor its entry written.
    await documents.send(new PutCommand({ TableName: TABLE, Item: memberToItem(memberAt(103, NOW)) }));
    const rid = `pass-${randomBytes(4).toString('hex')}`;

    const outcomes = await recordHealth(
      ids.map((id) => transition(id, rid)),
      NOW,
    );

    expect(outcomes.filter((o) => o === 'moved')).toHaveLength(1);
    expect(outcomes[ids.indexOf(103)]).toBe('moved');
    expect(await stored(103)).toMatchObject({ healthy: true, lastHeartbeatAt: NOW });
    expect(await stored(100)).toMatchObject({ healthy: false, stableSince: SILENT_SINCE });
    expect(await stored(149)).toMatchObject({ healthy: false, stableSince: SILENT_SINCE });
    expect(await entries(rid)).toEqual(
      ids
        .filter((id) => id !== 103)
        .map((id) => `member:${id}`)
        .sort(),
    );

    // A second pass that judged the same transitions (it read before the first wrote) records none of them again.
    const again = `pass-${randomBytes(4).toString('hex')}`;
    expect(
      await recordHealth(
        ids.map((id) => transition(id, again)),
        NOW,
      ),
    ).toEqual(ids.map(() => 'moved'));
    expect(await entries(again)).toEqual([]);
  });

  it('refuses more transitions than one transaction holds', async () => {
    const many = Array.from({ length: HEALTH_TRANSITIONS_PER_WRITE + 1 }, (_, i) => transition(900 + i, 'x'));
    await expect(recordHealth(many, NOW)).rejects.toThrow(/at most/);
  });
});
