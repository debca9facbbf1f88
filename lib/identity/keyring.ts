import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documents, TABLE } from '../store/client';
import { conditionFailure } from '../store/conditions';
import { keys } from '../store/keys';

/**
 * Which signing keys exist: the kid that signs, and the retired ones that still verify.
 * Only kids are stored; each key is derived from TOKEN_SECRET and its kid (./signing-keys).
 */
export interface KeyEntry {
  kid: string;
  createdAt: number;
  /** When it stopped signing (epoch ms); it verifies until the tokens it signed expire. */
  retiredAt?: number;
}
export interface Keyring {
  version: number;
  current: string;
  keys: KeyEntry[];
}

export async function readKeyring(): Promise<Keyring | undefined> {
  const { Item } = await documents.send(new GetCommand({ TableName: TABLE, Key: keys.keyring(), ConsistentRead: true }));
  if (!Item) return undefined;
  return { version: Number(Item.version), current: String(Item.current), keys: (Item.keys as KeyEntry[]) ?? [] };
}

/** Writes the next keyring over the one it was computed from (version + 1); 'moved' when another rotation wrote first. */
export async function writeKeyring(next: Keyring): Promise<{ kind: 'done' } | { kind: 'moved' }> {
  try {
    await documents.send(
      new PutCommand({
        TableName: TABLE,
        Item: { ...keys.keyring(), ...next },
        // Optimistic: two concurrent rotations must not both retire the same key and lose one new kid.
        ConditionExpression: next.version === 1 ? 'attribute_not_exists(PK)' : 'version = :previous',
        ...(next.version === 1 ? {} : { ExpressionAttributeValues: { ':previous': next.version - 1 } }),
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { kind: 'done' };
  } catch (err) {
    if (conditionFailure(err)) return { kind: 'moved' };
    throw err;
  }
}
