import { keys } from '../store/keys';

/**
 * A cluster member as the domain sees it. Its drain state is a discriminated union: a
 * draining member always has a deadline, an active one has none, and code that acts on
 * the state switches on `drainState` exhaustively. Times are epoch milliseconds. Written
 * as a type, not a schema: members come from our own table (memberFromItem), never from a
 * client, whose input the routes' schemas check.
 */
type MemberBase = {
  nodeId: number;
  raftAddress: string;
  apiAddress: string;
  binaryVersion: string;
  /** The fingerprint of the node's certificate, as it gave it at join ('' until it joins). */
  certFingerprint: string;
  suffrage: 'voter' | 'nonvoter';
  /** Raised by every drain; the deadline task only acts on the epoch it was started for. */
  drainEpoch: number;
  drainUpdatedAt?: number;
  /** Absent until the node's first heartbeat (a member added through Sensu Go's POST). */
  lastHeartbeatAt?: number;
  /** When a node first redeemed a join token for this member; absent for an unclaimed Sensu member. */
  joinedAt?: number;
  createdAt: number;
  /** How the member came to be: a token join, or an operator's Sensu Go POST. */
  origin: 'join' | 'sensu';
  peerURLs: string[];
  clientURLs: string[];
  /** Health as autopilot last persisted it (see lib/autopilot/rules), and when it last changed. */
  healthy?: boolean;
  stableSince?: number;
  /** What the node reported of its machine in its join or latest heartbeat (absent until it does). */
  numCpus?: number;
  totalSystemMemory?: number;
};

export type Member =
  | (MemberBase & { drainState: 'active' })
  | (MemberBase & { drainState: 'draining'; drainDeadline: number; drainUpdatedAt: number })
  | (MemberBase & { drainState: 'drained'; drainUpdatedAt: number });
export type DrainState = Member['drainState'];
export type Suffrage = Member['suffrage'];

/** The attributes only the store sees: the node credential is kept as a hash, never returned. */
export interface CredentialAttributes {
  credentialHash: string;
  credentialId: string;
  /** The jti whose redemption created or claimed the member: a join retry may only re-issue for it. */
  joinedJti: string;
}

/** A member item's attribute that breaks the shape every writer gives it: a store fault, not a client's. */
function corrupt(item: Record<string, unknown>, name: string): never {
  throw new Error(`member item ${String(item.nodeId)}: attribute ${name} is missing or malformed`);
}

type OptionalNumber = 'drainUpdatedAt' | 'lastHeartbeatAt' | 'joinedAt' | 'stableSince' | 'numCpus' | 'totalSystemMemory';

/**
 * Item → domain: the member's own attributes, with the defaults of items written before
 * they existed; keys, the credential and attributes later issues may add are dropped. An
 * item that breaks the union (a draining member without its deadline, say) throws.
 */
export function memberFromItem(item: Record<string, unknown>): Member {
  const str = (name: keyof MemberBase, fallback?: string): string => {
    const v = item[name] ?? fallback;
    return typeof v === 'string' ? v : corrupt(item, name);
  };
  const num = (name: string, fallback?: number): number => {
    const v = item[name] ?? fallback;
    return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : corrupt(item, name);
  };
  const strings = (name: keyof MemberBase): string[] => {
    const v = item[name] ?? [];
    return Array.isArray(v) && v.every((s) => typeof s === 'string') ? [...(v as string[])] : corrupt(item, name);
  };
  const oneOf = <T extends string>(name: string, values: readonly T[]): T =>
    values.includes(item[name] as T) ? (item[name] as T) : corrupt(item, name);
  // Optional attributes appear only where the item has them, in the order the fields are declared.
  const optional = (name: OptionalNumber): Partial<MemberBase> => (item[name] === undefined ? {} : { [name]: num(name) });
  const base: MemberBase = {
    nodeId: num('nodeId') || corrupt(item, 'nodeId'),
    raftAddress: str('raftAddress'),
    apiAddress: str('apiAddress'),
    binaryVersion: str('binaryVersion'),
    certFingerprint: str('certFingerprint', ''),
    suffrage: oneOf('suffrage', ['voter', 'nonvoter']),
    drainEpoch: num('drainEpoch', 0),
    ...optional('drainUpdatedAt'),
    ...optional('lastHeartbeatAt'),
    ...optional('joinedAt'),
    createdAt: num('createdAt'),
    origin: oneOf('origin', ['join', 'sensu']),
    peerURLs: strings('peerURLs'),
    clientURLs: strings('clientURLs'),
    ...(item.healthy === undefined ? {} : { healthy: typeof item.healthy === 'boolean' ? item.healthy : corrupt(item, 'healthy') }),
    ...optional('stableSince'),
    ...optional('numCpus'),
    ...optional('totalSystemMemory'),
  };
  const drainState = oneOf('drainState', ['active', 'draining', 'drained']);
  if (drainState === 'active') return { ...base, drainState };
  const drainUpdatedAt = num('drainUpdatedAt');
  if (drainState === 'drained') return { ...base, drainState, drainUpdatedAt };
  return { ...base, drainState, drainDeadline: num('drainDeadline'), drainUpdatedAt };
}

/** Domain → item, with the credential attributes when the member has a node credential. */
export function memberToItem(member: Member, credential?: CredentialAttributes): Record<string, unknown> {
  return { ...keys.member(member.nodeId), ...member, ...credential };
}

/** A new member's item from a join: active, with its first heartbeat at the join. */
export function joinedMember(input: {
  nodeId: number;
  raftAddress: string;
  apiAddress: string;
  binaryVersion: string;
  certFingerprint: string;
  suffrage: Suffrage;
  now: number;
  peerURLs: string[];
  createdAt?: number;
  machine?: Machine;
}): Member {
  return {
    nodeId: input.nodeId,
    raftAddress: input.raftAddress,
    apiAddress: input.apiAddress,
    binaryVersion: input.binaryVersion,
    certFingerprint: input.certFingerprint,
    suffrage: input.suffrage,
    drainState: 'active',
    drainEpoch: 0,
    lastHeartbeatAt: input.now,
    // Joining is the first heartbeat: healthy from this moment, as autopilot counts stability.
    healthy: true,
    stableSince: input.now,
    joinedAt: input.now,
    createdAt: input.createdAt ?? input.now,
    origin: 'join',
    peerURLs: input.peerURLs,
    clientURLs: [asUrl(input.apiAddress)],
    ...(input.machine?.numCpus !== undefined ? { numCpus: input.machine.numCpus } : {}),
    ...(input.machine?.totalSystemMemory !== undefined ? { totalSystemMemory: input.machine.totalSystemMemory } : {}),
  };
}

/** A node's optional report of its machine (join and heartbeat bodies), shown as CockroachDB's num_cpus/total_system_memory. */
export interface Machine {
  numCpus?: number;
  totalSystemMemory?: number;
}

/** An address (`host:port`) as the URL Sensu Go clients expect in peerURLs/clientURLs. */
export const asUrl = (address: string): string => (/^[a-z][a-z0-9+.-]*:\/\//i.test(address) ? address : `https://${address}`);
