import { auditedUpdate, type AuditEntry } from '../audit/audit';
import type { Member } from '../cluster/member';
import { documents } from '../store/client';
import { cancellationReasons } from '../store/conditions';
import { keys } from '../store/keys';
import type { Health } from './rules';

/**
 * Persists a health transition (`healthy` and its `stableSince`) with its audit entry.
 * False when the member moved on since it was read: removed, recorded by another pass,
 * or (for a failure) heard from again.
 */
export async function recordHealth(member: Member, health: Health, now: number, audit: AuditEntry): Promise<boolean> {
  const wasUnset = member.healthy === undefined;
  const silentSince = !health.healthy && member.lastHeartbeatAt !== undefined;
  try {
    await documents.send(
      auditedUpdate(
        {
          Key: keys.member(member.nodeId),
          UpdateExpression: 'SET healthy = :healthy, stableSince = :since',
          // Only the transition judged: the member exists, its persisted health is still the one read
          // (a concurrent pass records it once), and a failure only while no heartbeat came since.
          ConditionExpression: [
            'attribute_exists(PK)',
            wasUnset ? 'attribute_not_exists(healthy)' : 'healthy = :was',
            ...(silentSince ? ['lastHeartbeatAt = :beat'] : []),
          ].join(' AND '),
          ExpressionAttributeValues: {
            ':healthy': health.healthy,
            ':since': health.stableSince,
            ...(wasUnset ? {} : { ':was': member.healthy }),
            ...(silentSince ? { ':beat': member.lastHeartbeatAt } : {}),
          },
        },
        audit,
        now,
      ),
    );
    return true;
  } catch (err) {
    // Lost to a concurrent change of the member (another pass, a heartbeat): the next pass looks again.
    const code = cancellationReasons(err)?.[0]?.code;
    if (code === 'ConditionalCheckFailed' || code === 'TransactionConflict') return false;
    throw err;
  }
}
