import type { JWTPayload } from 'jose';
import { createHash, randomUUID } from 'node:crypto';
import { actorOf } from '../audit/audit';
import { recordAudit } from '../audit/audit';
import { config } from '../config';
import { Conflict, NotFound, Unauthorized } from '../errors';
import type { Principal } from '../identity/principal';
import { signToken, verifyToken } from '../identity/tokens';
import { mintNodeCredential } from '../identity/node-credentials';
import { AGAIN, withContention } from '../store/retry';
import { getJoinToken, revokeJoinToken as revokeRecord, storeJoinToken, unusedJoinTokens, type JoinTokenRecord } from './join-token-store';
import { joinedMember, type Member } from './member';
import { redeem, reissueCredential } from './member-join-store';
import { listMembers, readClusterAndMember } from './member-reads';
import { ensureClusterMeta, type ClusterMeta } from './meta';
import { peerUrlConflict } from './refusals';

/**
 * Join tokens and the join: minting, listing and revoking tokens, and redeeming one (with its
 * idempotent retry) in the member store's one transaction.
 */

/** POST /cluster/pki/join-tokens: a single-use HS256 JWS bound to `nodeId`, its jti stored until it expires. */
export async function mintJoinToken(input: { nodeId: number; ttlSeconds: number; by: Principal; requestId: string }) {
  const meta = await ensureClusterMeta();
  const now = Math.floor(Date.now() / 1000);
  const jti = randomUUID();
  const lcp = meta.leaderNodeId !== 0 ? meta.leaderFingerprint : undefined;
  const token = await signToken(
    'join',
    { jti, sub: String(input.nodeId), cid: meta.clusterId, ...(lcp ? { lcp } : {}) },
    input.ttlSeconds,
    now,
  );
  const expiresAt = now + input.ttlSeconds;
  await storeJoinToken({ jti, nodeId: input.nodeId, expiresAt, createdBy: actorOf(input.by) });
  await recordAudit({
    actor: actorOf(input.by),
    action: 'join-token.create',
    target: `member:${input.nodeId}`,
    requestId: input.requestId,
    details: { jti, expiresAt },
  });
  return { token, expiresAt };
}

/** GET /cluster/pki/join-tokens: the tokens that can still join, by id (the tokens themselves are never stored). */
export async function listJoinTokens() {
  const records = await unusedJoinTokens(Math.floor(Date.now() / 1000));
  return records.map((r) => ({ id: r.jti, nodeID: r.nodeId, expiresAt: r.expiresAt, createdBy: r.createdBy ?? null }));
}

/** DELETE /cluster/pki/join-tokens/{id}: a revoked token's join fails; audited. */
export async function revokeJoinToken(input: { id: string; by: Principal; requestId: string }): Promise<void> {
  const revoked = await revokeRecord(input.id, {
    actor: actorOf(input.by),
    action: 'join-token.revoke',
    target: `join-token:${input.id}`,
    requestId: input.requestId,
  });
  if (revoked.kind === 'missing') throw new NotFound(`No unused join token ${input.id}`);
}

export interface JoinInput {
  token: string;
  raftAddress: string;
  apiAddress: string;
  binaryVersion: string;
  certFingerprint: string;
  numCpus?: number;
  totalSystemMemory?: number;
  idempotencyKey?: string;
  requestId: string;
}

export interface JoinAnswer {
  nodeId: number;
  clusterId: number;
  suffrage: Member['suffrage'];
  nodeToken: string;
  leaderNodeId: number;
  leaderFingerprint: string | null;
  pins: string[];
}

/** The claims a join needs, from a verified token of this cluster; anything else is 401. */
function joinClaims(claims: JWTPayload, clusterId: number): { jti: string; nodeId: number } {
  const nodeId = Number(claims.sub);
  if (typeof claims.jti !== 'string' || !Number.isSafeInteger(nodeId) || nodeId < 1 || claims.cid !== clusterId) {
    throw new Unauthorized('Invalid join token');
  }
  return { jti: claims.jti, nodeId };
}

const hashKey = (key: string): string => createHash('sha256').update(key).digest('hex');

/**
 * POST /cluster/join: verifies the token's signature, reads what the redemption depends on
 * and answers with — the cluster item (counters, leader, the voters' pins) and the member,
 * one BatchGetItem whatever the cluster's size — checks the token's cluster id, then
 * redeems it in one transaction, whose conditions check the jti (minted, unused,
 * unexpired), the member and the first-voter rule. A transaction that lost a race to a
 * concurrent one is rebuilt from fresh reads.
 */
export async function join(input: JoinInput): Promise<JoinAnswer> {
  // The signature first: a forged token costs no read.
  const claims = await verifyToken('join', input.token);
  const sub = Number(claims.sub);
  let { meta, member: existing } = await readClusterAndMember(Number.isSafeInteger(sub) && sub >= 1 ? sub : 1);
  const { jti, nodeId } = joinClaims(claims, meta.clusterId);
  const keyHash = input.idempotencyKey ? hashKey(input.idempotencyKey) : undefined;

  return withContention<JoinAnswer>(
    async (attempt) => {
      if (attempt > 0) ({ meta, member: existing } = await readClusterAndMember(nodeId));
      const claim = existing !== undefined && existing.origin === 'sensu' && existing.joinedAt === undefined;
      if (existing && !claim) {
        // Perhaps joined by this very token a moment ago: that is a used token, not a 409.
        const latest = await getJoinToken(jti);
        if (latest?.consumedAt !== undefined) return replay(latest, keyHash);
        if (!latest) throw new Unauthorized('Invalid join token');
        throw new Conflict(`Node ${nodeId} is already a cluster member`);
      }

      const now = Date.now();
      // A claimed member keeps the suffrage it was given (a promoted one is a voter, counted already);
      // the member leads when the cluster has no other voter.
      const claimed = claim ? existing?.suffrage : undefined;
      const others = meta.voterCount - (claimed === 'voter' ? 1 : 0);
      const lead = others <= 0 ? { expiresAt: now + config.leaderLeaseSeconds * 1000 } : undefined;
      const member: Member = {
        ...joinedMember({
          nodeId,
          raftAddress: input.raftAddress,
          apiAddress: input.apiAddress,
          binaryVersion: input.binaryVersion,
          certFingerprint: input.certFingerprint,
          suffrage: lead || claimed === 'voter' ? 'voter' : 'nonvoter',
          now,
          peerURLs: existing?.peerURLs.length ? existing.peerURLs : [`https://${input.raftAddress}`],
          createdAt: existing?.createdAt,
          machine: { numCpus: input.numCpus, totalSystemMemory: input.totalSystemMemory },
        }),
        ...(claim ? { origin: 'sensu' as const } : {}),
      };
      const credential = mintNodeCredential(nodeId);
      const outcome = await redeem({
        jti,
        member,
        credential,
        claim: claimed,
        lead,
        idempotencyKeyHash: keyHash,
        now,
        audit: {
          actor: `node:${nodeId}`,
          action: claim ? 'member.claim' : 'member.join',
          target: `member:${nodeId}`,
          requestId: input.requestId,
          details: { jti, suffrage: member.suffrage, leader: lead !== undefined },
        },
      });
      switch (outcome.kind) {
        case 'redeemed': {
          const leader = lead ? { leaderNodeId: nodeId, leaderFingerprint: member.certFingerprint } : leaderOf(meta);
          const pins = await pinsOf(meta);
          if (member.suffrage === 'voter') pins.set(nodeId, member.certFingerprint);
          return answer(member, meta.clusterId, credential.token, leader, pins);
        }
        case 'token-used':
          return replay(outcome.record, keyHash);
        case 'token-invalid':
          throw new Unauthorized('Invalid or expired join token');
        case 'already-member':
          throw new Conflict(`Node ${nodeId} is already a cluster member`);
        case 'peer-url-taken':
          throw peerUrlConflict(outcome.taken);
        case 'stale':
        case 'contended':
          return AGAIN;
      }
    },
    // A stale read is rebuilt at once; lost transactions back off (jittered) between rounds.
    { attempts: 12, baseDelayMs: 10, maxDelayMs: 250, message: 'The join conflicted with concurrent changes; retry it' },
  );
}

/**
 * A used token: only the node whose redemption won may come back, with the same
 * Idempotency-Key, and it gets a fresh credential for the member it created.
 */
async function replay(record: JoinTokenRecord, keyHash: string | undefined): Promise<JoinAnswer> {
  if (!keyHash || record.idempotencyKeyHash !== keyHash) throw new Unauthorized('Join token already used');
  const credential = mintNodeCredential(record.nodeId);
  const reissued = await reissueCredential({ nodeId: record.nodeId, jti: record.jti, credential });
  if (reissued.kind === 'moved') throw new Unauthorized('Join token already used');
  const meta = await ensureClusterMeta(true);
  return answer(reissued.member, meta.clusterId, credential.token, leaderOf(meta), await pinsOf(meta));
}

function leaderOf(meta: ClusterMeta) {
  return { leaderNodeId: meta.leaderNodeId, leaderFingerprint: meta.leaderFingerprint ?? meta.voterPins[meta.leaderNodeId] ?? null };
}

/**
 * The voters' pins, from the cluster item. A cluster item written before it kept them (its
 * pins do not account for every voter) has them read from the members once, until the
 * migration (lib/system/migrate.ts) writes them.
 */
async function pinsOf(meta: ClusterMeta): Promise<Map<number, string>> {
  const pins = new Map(Object.entries(meta.voterPins).map(([id, fp]) => [Number(id), fp] as const));
  if (pins.size === meta.voterCount) return pins;
  const voters = (await listMembers(true)).filter((m) => m.suffrage === 'voter');
  return new Map(voters.map((m) => [m.nodeId, m.certFingerprint] as const));
}

function answer(
  member: Member,
  clusterId: number,
  nodeToken: string,
  leader: { leaderNodeId: number; leaderFingerprint: string | null },
  pins: ReadonlyMap<number, string>,
): JoinAnswer {
  return {
    nodeId: member.nodeId,
    clusterId,
    suffrage: member.suffrage,
    nodeToken,
    leaderNodeId: leader.leaderNodeId,
    leaderFingerprint: leader.leaderNodeId === 0 ? null : leader.leaderFingerprint,
    // The voters', in node id order (a voter no node has joined as yet has none).
    pins: [...pins]
      .sort(([a], [b]) => a - b)
      .map(([, fp]) => fp)
      .filter((fp) => fp !== ''),
  };
}
