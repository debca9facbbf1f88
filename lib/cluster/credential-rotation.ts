import { auditedUpdate } from '../audit/audit';
import { actorOf } from '../audit/audit';
import { Conflict, Forbidden, NotFound, Unauthorized } from '../errors';
import type { Principal } from '../identity/principal';
import { documents } from '../store/client';
import { cancellationReasons } from '../store/conditions';
import { keys } from '../store/keys';
import { mintNodeCredential } from './node-credentials';

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
  try {
    await documents.send(
      auditedUpdate(
        {
          Key: keys.member(nodeId),
          UpdateExpression: 'SET credentialHash = :hash, credentialId = :id',
          ConditionExpression: own
            ? // The node's own: only while the credential it called with is still the member's.
              'credentialHash = :own'
            : // An admin's: only a member a node has joined as (an unclaimed Sensu member has no credential).
              'attribute_exists(credentialHash)',
          ExpressionAttributeValues: { ':hash': credential.hash, ':id': credential.credentialId, ...(own ? { ':own': own } : {}) },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
        {
          actor: actorOf(by),
          action: 'member.credential.rotate',
          target: `member:${nodeId}`,
          requestId: input.requestId,
          details: { credentialId: credential.credentialId },
        },
      ),
    );
  } catch (err) {
    const reason = cancellationReasons(err)?.[0];
    if (reason?.code !== 'ConditionalCheckFailed') throw err;
    if (own) throw new Unauthorized('Invalid node credential');
    if (!reason.item) throw new NotFound(`Node ${nodeId} is not a cluster member`);
    throw new Conflict(`Node ${nodeId} has no credential to rotate: no node has joined as it yet`);
  }
  return { nodeId, nodeToken: credential.token, credentialId: credential.credentialId };
}
