/**
 * What DynamoDB on demand bills for a request, from the sizes of the items it touches, as
 * AWS documents it, instead of what DynamoDB Local reports (it reports a flat 2 units for
 * any transaction, and no index writes):
 * - a write: 1 WCU per started KB of the item (the larger of before and after), plus the
 *   same again for each index the item is in (every index projects ALL, table.yml);
 * - a write inside TransactWriteItems: twice that;
 * - a read: 1 RCU per started 4 KB when consistent, half when eventually consistent; a
 *   Query sums its items' sizes before rounding (and a Query that finds nothing still bills
 *   the minimum); a BatchGetItem bills each item as a GetItem.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

export type Item = Record<string, AttributeValue>;
const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

/** DynamoDB's size of one value (numbers: about one byte per two significant digits, plus one). */
function valueBytes(v: AttributeValue): number {
  if (v.S !== undefined) return utf8(v.S);
  if (v.N !== undefined) return Math.ceil(v.N.replace(/^-|\.|e.*$/gi, '').replace(/^0+/, '').length / 2) + 1;
  if (v.B !== undefined) return v.B.length;
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.SS) return v.SS.reduce((n, s) => n + utf8(s), 0);
  if (v.NS) return v.NS.reduce((n, s) => n + valueBytes({ N: s }), 0);
  if (v.L) return 3 + v.L.reduce((n, e) => n + 1 + valueBytes(e), 0);
  if (v.M) return 3 + Object.entries(v.M).reduce((n, [k, e]) => n + 1 + utf8(k) + valueBytes(e), 0);
  return 0;
}

/** An item's size: each attribute's name and value. */
export const itemBytes = (item: Item): number => Object.entries(item).reduce((n, [k, v]) => n + utf8(k) + valueBytes(v), 0);

const INDEXES = ['GSI1PK', 'GSI2PK', 'GSI3PK'];
const KB = 1024;

/** WCU of one write of `item` (its table write and each index it is in). */
export const writeUnits = (item: Item, { transaction = false } = {}): number => {
  const units = Math.max(1, Math.ceil(itemBytes(item) / KB));
  const copies = 1 + INDEXES.filter((k) => item[k] !== undefined).length;
  return units * copies * (transaction ? 2 : 1);
};

/** RCU of one read returning `items` (a GetItem: one item; a Query: all it returned, summed). */
export const readUnits = (items: Item[], { consistent }: { consistent: boolean }): number => {
  const units = Math.max(1, Math.ceil(items.reduce((n, i) => n + itemBytes(i), 0) / (4 * KB)));
  return consistent ? units : units / 2;
};

export interface Billed {
  rcu: number;
  wcu: number;
  /** What each unit is for. */
  parts: string[];
}
