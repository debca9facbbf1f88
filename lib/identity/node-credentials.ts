import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { credentialOf } from '../cluster/member-reads';
import { checkMember } from '../cluster/member-state-store';
import { Forbidden, Unauthorized } from '../errors';
import type { Principal } from './principal';
import { NODE_CREDENTIAL_PREFIX as PREFIX } from './rules';

/**
 * A node credential: `rnode_<nodeId>_<secret>`, opaque to the node, issued at join and
 * valid until its member is removed (or a join retry re-issues it). Only its SHA-256 is
 * stored, on the member item, so a removed member's credential finds nothing to match.
 */
const FORM = /^rnode_([1-9][0-9]{0,15})_([A-Za-z0-9_-]{43})$/;

export interface NodeCredential {
  token: string;
  hash: string;
  /** A non-secret handle for logs and principals. */
  credentialId: string;
}

export const hashCredential = (token: string): string => createHash('sha256').update(token).digest('hex');

export function mintNodeCredential(nodeId: number): NodeCredential {
  const token = `${PREFIX}${nodeId}_${randomBytes(32).toString('base64url')}`;
  const hash = hashCredential(token);
  return { token, hash, credentialId: hash.slice(0, 16) };
}

/** The node id a credential names and its hash, or 401 when it is not one. */
export function parseNodeCredential(token: string): { nodeId: number; hash: string } {
  const m = FORM.exec(token);
  const nodeId = m ? Number(m[1]) : NaN;
  if (!Number.isSafeInteger(nodeId)) throw new Unauthorized('Invalid node credential');
  return { nodeId, hash: hashCredential(token) };
}

const sameHash = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Checks a node credential against its member (one consistent GetItem): a removed
 * member, or a credential re-issued since, is 401. With `checkedInWrite`, the route's
 * own conditional write does the check (see RouteSpec.nodeCredential), so nothing is read.
 */
export async function authenticateNode(token: string, options: { checkedInWrite?: boolean } = {}): Promise<Principal> {
  const { nodeId, hash } = parseNodeCredential(token);
  if (options.checkedInWrite) return { kind: 'node-claim', nodeId, credentialHash: hash };
  const held = await credentialOf(nodeId);
  if (!held || !sameHash(held.credentialHash, hash)) throw new Unauthorized('Invalid node credential');
  return { kind: 'node', nodeId, credentialId: held.credentialId ?? hash.slice(0, 16) };
}

/** The node a `checked-in-write` route acts for, and the credential hash its write must match. */
export function claimedNode(principal: Principal): { nodeId: number; credentialHash: string } {
  if (principal.kind !== 'node-claim') throw new Forbidden('Only a node credential may do this');
  return { nodeId: principal.nodeId, credentialHash: principal.credentialHash };
}

/**
 * For a `checked-in-write` route about to refuse before its own write (a heartbeat for
 * another id, a node over its lease limit): the credential is checked first, in a
 * transaction of one condition check on the member's hash, so an invalid credential is
 * 401 and learns nothing from the refusal.
 */
export async function verifyNodeCredential(caller: { nodeId: number; credentialHash: string }): Promise<void> {
  const checked = await checkMember(caller.nodeId, { kind: 'holds', credentialHash: caller.credentialHash });
  if (checked.kind !== 'done') throw new Unauthorized('Invalid node credential');
}
