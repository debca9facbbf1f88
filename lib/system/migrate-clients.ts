import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { legacyClients, moveToShard, nextLegacyNamespace } from '../clients/client-move-store';
import type { Logger } from '../log';
import { documents, TABLE } from '../store/client';
import type { Item } from '../store/conditions';

/**
 * The move of the clients from one partition per namespace (`CLIENTS#<namespace>`, indexed in
 * GSI1 `CLIENTS`) to their shards (`CLIENTS#<namespace>#<hash mod N>`, lib/store/keys.ts),
 * tombstones included. No Scan: the namespaces come one at a time from the legacy index (each
 * the first entry after the last one's), then `default` (the classic surface's, which may hold
 * only tombstones), and each namespace's legacy partition is read and emptied page by page.
 * Idempotent: each item moves in one transaction (its copy created, the old one deleted only
 * as it was read), and a client already at its shard's key (registered there since) keeps that
 * one. Resumable: a moved item leaves the legacy partition, so a rerun finds only what is left;
 * the namespace reached is recorded after each page. A client kept alive or registered again
 * by the old code during the move is moved as it is then (`changed`: at most a few rounds).
 * Run right after deploying the code that reads the shards: until a client has moved, that
 * code does not see it (its keepalives are 404 until it registers again). A namespace the old
 * index does not name (nothing but tombstones in it) is left to the round's scan (./migrate.ts).
 */
const progressKey = { PK: 'MIGRATION', SK: 'clients-sharded' };

export interface ClientShardingReport {
  done: boolean;
  /** Clients and tombstones moved to their shard. */
  moved: number;
  /** Legacy copies dropped because the shard had a newer one. */
  stale: number;
}

/** Rounds one item may take when it keeps changing under the move. */
const ROUNDS = 5;

export async function shardClients(log: Logger, deadline: number, pageSize: number): Promise<ClientShardingReport> {
  const { Item: saved } = await documents.send(new GetCommand({ TableName: TABLE, Key: progressKey, ConsistentRead: true }));
  const report: ClientShardingReport = (saved?.report as ClientShardingReport | undefined) ?? { done: false, moved: 0, stale: 0 };
  if (report.done) return report;
  // The namespace being moved (undefined: none yet), and whether the index walk has ended (then only `default` is left).
  let namespace = saved?.namespace as string | undefined;
  let walked = saved?.walked === true;
  if (namespace === undefined && !walked) namespace = await nextLegacyNamespace(undefined);
  if (namespace === undefined) walked = true;
  while (Date.now() < deadline) {
    const current = walked ? 'default' : namespace!;
    const page = await legacyClients(current, pageSize);
    for (const item of page.items) await move(item, report);
    if (!page.more) {
      if (walked) report.done = true;
      else {
        namespace = await nextLegacyNamespace(current);
        if (namespace === undefined) walked = true;
      }
    }
    await documents.send(
      new PutCommand({ TableName: TABLE, Item: { ...progressKey, report, walked, ...(namespace !== undefined ? { namespace } : {}) } }),
    );
    log.info('migration page', { step: 'clients-sharded', namespace: current, moved: report.moved, done: report.done });
    if (report.done) break;
  }
  return report;
}

async function move(item: Item, report: ClientShardingReport): Promise<void> {
  const outcome = await moveLegacyClient(item);
  if (outcome === 'moved') report.moved++;
  if (outcome === 'stale') report.stale++;
}

/** One legacy client or tombstone to its shard, as it is when moved (see `changed`); also for the round's scan (./migrate.ts). */
export async function moveLegacyClient(item: Item): Promise<'moved' | 'stale' | 'gone'> {
  let image = item;
  for (let round = 0; round < ROUNDS; round++) {
    const outcome = await moveToShard(image);
    if (outcome.kind !== 'changed') return outcome.kind;
    image = outcome.current;
  }
  throw new Error(`client ${String(item.name)} in ${String(item.namespace)} kept changing during its move: run the migration again`);
}
