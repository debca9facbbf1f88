import * as z from '../zod';
import { keys } from '../store/keys';

/**
 * A cluster member as the domain sees it. Its drain state is a discriminated union: a
 * draining member always has a deadline, an active one has none, and code that acts on
 * the state switches on `drainState` exhaustively. Times are epoch milliseconds.
 */
const epochMs = z.number().check(z.int(), z.nonnegative());

const base = z.object({
  nodeId: z.number().check(z.int(), z.positive()),
  raftAddress: z.string(),
  apiAddress: z.string(),
  binaryVersion: z.string(),
  /** The fingerprint of the node's certificate, as it gave it at join ('' until it joins). */
  certFingerprint: z.string(),
  suffrage: z.enum(['voter', 'nonvoter']),
  /** Raised by every drain; the deadline task only acts on the epoch it was started for. */
  drainEpoch: z.number().check(z.int(), z.nonnegative()),
  drainUpdatedAt: z.optional(epochMs),
  /** Absent until the node's first heartbeat (a member added through Sensu Go's POST). */
  lastHeartbeatAt: z.optional(epochMs),
  /** When a node first redeemed a join token for this member; absent for an unclaimed Sensu member. */
  joinedAt: z.optional(epochMs),
  createdAt: epochMs,
  /** How the member came to be: a token join, or an operator's Sensu Go POST. */
  origin: z.enum(['join', 'sensu']),
  peerURLs: z.array(z.string()),
  clientURLs: z.array(z.string()),
  /** Health as autopilot last persisted it (see lib/autopilot/rules), and when it last changed. */
  healthy: z.optional(z.boolean()),
  stableSince: z.optional(epochMs),
  /** What the node reported of its machine in its join or latest heartbeat (absent until it does). */
  numCpus: z.optional(z.number().check(z.int(), z.nonnegative())),
  totalSystemMemory: z.optional(z.number().check(z.int(), z.nonnegative())),
});

export const memberSchema = z.discriminatedUnion('drainState', [
  z.extend(base, { drainState: z.literal('active') }),
  z.extend(base, { drainState: z.literal('draining'), drainDeadline: epochMs, drainUpdatedAt: epochMs }),
  z.extend(base, { drainState: z.literal('drained'), drainUpdatedAt: epochMs }),
]);

export type Member = z.infer<typeof memberSchema>;
export type DrainState = Member['drainState'];
export type Suffrage = Member['suffrage'];

/** The attributes only the store sees: the node credential is kept as a hash, never returned. */
export interface CredentialAttributes {
  credentialHash: string;
  credentialId: string;
  /** The jti whose redemption created or claimed the member: a join retry may only re-issue for it. */
  joinedJti: string;
}

const STORE_ONLY: ReadonlySet<string> = new Set(['PK', 'SK', 'GSI1PK', 'GSI1SK', 'credentialHash', 'credentialId', 'joinedJti']);

/** Item → domain. Unknown attributes (later issues may add some) are dropped by the schema. */
export function memberFromItem(item: Record<string, unknown>): Member {
  // One loop, not entries/filter/fromEntries and a spread: this runs on every heartbeat's answer.
  const plain: Record<string, unknown> = { drainEpoch: 0, peerURLs: [], clientURLs: [], certFingerprint: '' };
  for (const k in item) if (!STORE_ONLY.has(k)) plain[k] = item[k];
  return memberSchema.parse(plain);
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
