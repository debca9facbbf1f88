import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { joinedMember, memberToItem } from '../../lib/cluster/member';
import { keys } from '../../lib/store/keys';
import { chunks } from '../../lib/store/parallel';
import { LAMBDA_RESPONSE_LIMIT } from '../../lib/http/encoding';
import { accessToken, bearer } from '../support/auth';
import { client } from '../support/http';
import { startRuntime, type Runtime } from '../support/runtime';

/**
 * Answers that grow with the cluster, at sizes where they pass Lambda's 6 MB response
 * limit: members are written straight to the runtime's table (BatchWrite) to get there
 * quickly, with long fields so that a few thousand are enough.
 */
let rt: Runtime;
let store: DynamoDBDocumentClient;
let reader: ReturnType<typeof client>;
const COUNT = 4_500;
const IDENTITY = { 'accept-encoding': 'identity' };
const GZIP = { 'accept-encoding': 'gzip' };

/** Writes COUNT members (ids 1..COUNT, and the cluster item), each with `field(id)` in its addresses and version. */
async function seed(field: (nodeId: number) => string): Promise<void> {
  const now = Date.now();
  const items: Record<string, unknown>[] = Array.from({ length: COUNT }, (_, i) =>
    memberToItem(
      joinedMember({
        nodeId: i + 1,
        raftAddress: `${field(i + 1)}:7000`,
        apiAddress: `${field(i + 1)}:8443`,
        binaryVersion: field(i + 1),
        certFingerprint: '',
        suffrage: 'voter',
        now,
        peerURLs: [],
      }),
    ),
  );
  items.push({
    ...keys.clusterMeta(),
    clusterId: 42,
    leaderNodeId: 1,
    leaderExpiresAt: now + 3_600_000,
    raftTerm: 1,
    memberCount: COUNT,
    voterCount: COUNT,
    initialized: true,
  });
  const table = rt.env.TABLE_NAME!;
  const batches = chunks(items, 25);
  for (let i = 0; i < batches.length; i += 8) {
    await Promise.all(
      batches.slice(i, i + 8).map(async (batch) => {
        let pending: Record<string, unknown>[] | undefined = batch.map((Item) => ({ PutRequest: { Item } }));
        while (pending?.length) {
          const out = await store.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
          pending = out.UnprocessedItems?.[table] as Record<string, unknown>[] | undefined;
        }
      }),
    );
  }
}

beforeAll(async () => {
  rt = await startRuntime();
  store = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: inject('dynamodbEndpoint'),
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    }),
  );
  reader = client(rt.url, bearer(await accessToken(rt, 'readonly')));
});
afterAll(async () => {
  store?.destroy();
  await rt?.stop();
});

describe('answers past 6 MB', () => {
  it(
    'sends the unpaged member list gzipped to a client that accepts it, and refuses it with a 400 naming the paging to one that does not',
    { timeout: 240_000 },
    async () => {
      // About 1.8 KB a member: 8 MB of JSON, which gzip takes far below the limit.
      await seed((id) => `host-${id}-${'a'.repeat(600)}`);
      const gzipped = await reader.get('/api/v1/cluster/members', GZIP);
      expect(gzipped.status).toBe(200);
      expect(gzipped.headers.get('content-encoding')).toBe('gzip');
      expect(Buffer.byteLength(gzipped.text)).toBeGreaterThan(LAMBDA_RESPONSE_LIMIT);
      expect(Number(gzipped.headers.get('content-length'))).toBeLessThan(LAMBDA_RESPONSE_LIMIT / 10);
      const list = gzipped.body.result as { nodeId: number }[];
      expect(list.map((m) => m.nodeId)).toEqual(Array.from({ length: COUNT }, (_, i) => i + 1));

      const plain = await reader.get('/api/v1/cluster/members', IDENTITY);
      expect(plain.status).toBe(400);
      expect(plain.body.error).toMatch(/over the 6291556 bytes.*per_page and next.*Accept-Encoding: gzip/);

      // Every client of the other surfaces sends Accept-Encoding: gzip (Go's net/http, browsers, fetch).
      expect((await reader.get('/api/core/v2/cluster/members', GZIP)).status).toBe(200);
      expect((await reader.get('/api/v1/cluster/autopilot', GZIP)).status).toBe(200);
    },
  );

  it(
    'refuses with a 400, never a 5xx, an answer that passes the limit even gzipped, and the paged list still serves it',
    { timeout: 240_000 },
    async () => {
      // Random fields: gzip cannot take 4,500 members of 1.8 KB under 6 MB once base64-encoded.
      await seed((id) => `h${id}-${randomBytes(450).toString('base64url')}`);
      const gzipped = await reader.get('/api/v1/cluster/members', GZIP);
      expect(gzipped.status).toBe(400);
      expect(gzipped.body.error).toMatch(/gzipped and base64-encoded.*per_page and next/);
      const autopilot = await reader.get('/api/v1/cluster/autopilot', GZIP);
      expect(autopilot.status).toBeLessThan(500);

      // Page by page with next: every member once, in order.
      const seen: number[] = [];
      let next: string | undefined;
      let pages = 0;
      do {
        const page = await reader.get(`/api/v1/cluster/members?per_page=1000${next ? `&next=${next}` : ''}`, IDENTITY);
        expect(page.status).toBe(200);
        expect(page.body.result).toMatchObject({ per_page: 1000, total_count: COUNT });
        seen.push(...page.body.result.items.map((m: { nodeId: number }) => m.nodeId));
        next = page.body.result.next;
        pages++;
      } while (next);
      expect(seen).toEqual(Array.from({ length: COUNT }, (_, i) => i + 1));
      expect(pages).toBe(5);

      // page=N answers a cursor too: the page after it, read from there.
      const second = await reader.get('/api/v1/cluster/members?page=2&per_page=1000', IDENTITY);
      expect(second.body.result.items[0].nodeId).toBe(1001);
      const third = await reader.get(`/api/v1/cluster/members?per_page=1000&next=${second.body.result.next}`, IDENTITY);
      expect(third.body.result.items.map((m: { nodeId: number }) => m.nodeId)).toEqual(Array.from({ length: 1000 }, (_, i) => 2001 + i));
      // A cursor that is not one is the client's mistake.
      for (const bad of [
        'x',
        Buffer.from('{"after":"1"}').toString('base64url'),
        Buffer.from('{"PK":"CLUSTER","SK":"MEMBER#0000000000000001"}').toString('base64url'),
        Buffer.from('[]').toString('base64url'),
      ]) {
        const answer = await reader.get(`/api/v1/cluster/members?next=${bad}`, IDENTITY);
        expect(answer.status).toBe(400);
        expect(answer.body.error).toMatch(/not a cursor/);
      }
    },
  );
});
