import * as leases from '../leases/lease-store';
import { leaseView, type LeaseView } from '../leases/lease';
import { holderRefusal } from '../leases/use-cases';
import { afterDrainingRelease } from './completion';

/**
 * POST /leases/{name}/release, drain-aware: the holder's release (one conditional write,
 * the current fencing token required), and when the holder is draining, the check whether
 * that was its last lease — then it is drained at once. It sits in drain so that leases
 * never call up into drain.
 */
export async function releaseLease(input: {
  name: string;
  nodeId: number;
  credentialHash: string;
  fencingToken: number;
  requestId?: string;
}): Promise<LeaseView> {
  const now = Date.now();
  const write = { name: input.name, holder: input.nodeId, credentialHash: input.credentialHash, fencingToken: input.fencingToken, now };
  const released = await leases.release(write);
  if (released.kind !== 'done') throw holderRefusal(write, released, input.fencingToken);
  // The holder is draining: if that was its last lease, it is drained now.
  if (released.lease.holderDrainEpoch !== undefined)
    await afterDrainingRelease(input.nodeId, released.lease.holderDrainEpoch, input.name, input.requestId ?? '');
  return leaseView(released.lease, now);
}
