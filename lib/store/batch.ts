import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { documents, TABLE } from './client';
import type { Item } from './conditions';

type Key = { PK: string; SK: string };
const idOf = (k: Record<string, unknown>) => `${String(k.PK)}\u0000${String(k.SK)}`;

/**
 * Several items by key in one BatchGetItem (ConsistentRead by default), in the order
 * asked; `undefined` where there is none. Keys the store left unprocessed (throttling)
 * are asked again with backoff, as the SDK retries a throttled call; still unprocessed
 * after that, it is a throttling error (a 503 with Retry-After).
 */
export async function getItems(wanted: readonly Key[], consistent = true): Promise<(Item | undefined)[]> {
  const found = new Map<string, Item>();
  let pending: Record<string, unknown>[] = [...wanted];
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt === 4) {
      throw Object.assign(new Error('BatchGetItem left keys unprocessed'), {
        name: 'ProvisionedThroughputExceededException',
        $metadata: {},
      });
    }
    if (attempt > 0) await sleep(Math.random() * 50 * 2 ** attempt);
    const out = await documents.send(new BatchGetCommand({ RequestItems: { [TABLE]: { Keys: pending, ConsistentRead: consistent } } }));
    for (const item of out.Responses?.[TABLE] ?? []) found.set(idOf(item), item);
    pending = out.UnprocessedKeys?.[TABLE]?.Keys ?? [];
  }
  return wanted.map((k) => found.get(idOf(k)));
}
