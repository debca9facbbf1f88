import { actorOf } from '../audit/audit';
import { rotateCredential as writeCredential } from '../cluster/member-state-store';
import { Conflict, Forbidden, NotFound, Unauthorized } from '../errors';
import { mintNodeCredential } from './node-credentials';
import type { Principal } from './principal';

/**
 * POST /cluster/members/{id}/credential: a new node credential for the member, in one
 * conditional write with its audit entry; the old credential stops at once (every node
 * route checks the hash on the member). An admin rotates any joined member's; a node only
 * its own, and only with the credential it has now.
 */
export async function rotateCredential(input: { nodeId: number; by: Principal; requestId: string }) {
  const { nodeId, by } = input;
  if (by.kind === 'node' || (by.kind === 'node-claim' && by.nodeId !== nodeId)) {
    throw new Forbidden('A node may rotate only its own credential');
  }
  const own = by.kind === 'node-claim' ? by.credentialHash : undefined;
  const credential = mintNodeCredential(nodeId);
  const rotated = await writeCredential({
    nodeId,
    credential,
    own,
    audit: {
      actor: actorOf(by),
      action: 'member.credential.rotate',
      target: `member:${nodeId}`,
      requestId: input.requestId,
      details: { credentialId: credential.credentialId },
    },
  });
  switch (rotated.kind) {
    case 'done':
      return { nodeId, nodeToken: credential.token, credentialId: credential.credentialId };
    case 'invalid-credential':
      throw new Unauthorized('Invalid node credential');
    case 'missing':
      throw new NotFound(`Node ${nodeId} is not a cluster member`);
    case 'unclaimed':
      throw new Conflict(`Node ${nodeId} has no credential to rotate: no node has joined as it yet`);
  }
}
