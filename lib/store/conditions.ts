import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

export type Item = Record<string, unknown>;

/**
 * A failed single-item condition, with the item as it stood when the condition failed
 * (the write asked for ReturnValuesOnConditionCheckFailure: ALL_OLD). `undefined` item:
 * there was none. The document client leaves that item marshalled, so it is unmarshalled
 * here. Any other error: `null`, to rethrow.
 */
export function conditionFailure(err: unknown): { item: Item | undefined } | null {
  if (!(err instanceof Error) || err.name !== 'ConditionalCheckFailedException') return null;
  const raw = (err as { Item?: Record<string, AttributeValue> }).Item;
  return { item: raw ? unmarshall(raw) : undefined };
}

/** Why each item of a cancelled transaction failed, in the order of its items. */
export interface Cancellation {
  code: string;
  item: Item | undefined;
}

/**
 * The per-item reasons of a cancelled TransactWriteItems, or `null` when the error is
 * not a cancellation. A reason's code is `None` for items whose condition held.
 */
export function cancellationReasons(err: unknown): Cancellation[] | null {
  if (!(err instanceof Error) || err.name !== 'TransactionCanceledException') return null;
  const reasons = (err as { CancellationReasons?: { Code?: string; Item?: Record<string, AttributeValue> }[] }).CancellationReasons ?? [];
  return reasons.map((r) => ({ code: r.Code ?? 'None', item: r.Item ? unmarshall(r.Item) : undefined }));
}
