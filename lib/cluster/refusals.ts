import { Conflict, NotFound, Unauthorized, type DomainError } from '../errors';
import type { PromoteOutcome, RemoveOutcome } from './member-store';
import type { PeerUrlTaken } from './peer-urls';

/**
 * The member store's refusals as the errors a client is told: one place, so a use case
 * and the watcher's report say the same thing of the same outcome.
 */

export const memberNotFound = (nodeId: number) => new NotFound(`Cluster member ${nodeId} not found`);

export const peerUrlConflict = (taken: PeerUrlTaken) =>
  new Conflict(`Peer URL ${taken.url} is already a peer URL of cluster member ${taken.owner}`);

export const invalidNodeCredential = () => new Unauthorized('Invalid node credential');

/** A transaction lost to a concurrent one: the client's retry is the next round. */
export const contendedChange = () => new Conflict('The request conflicted with a concurrent change; retry it', 1);

export function promotionError(nodeId: number, outcome: Exclude<PromoteOutcome, { kind: 'done' }>): DomainError {
  switch (outcome.kind) {
    case 'missing':
      return memberNotFound(nodeId);
    case 'moved':
      return outcome.current.suffrage === 'voter'
        ? new Conflict(`Cluster member ${nodeId} is already a voter`)
        : new Conflict(`Cluster member ${nodeId} is no longer stable and active`);
    case 'contended':
      return contendedChange();
  }
}

export function removalError(nodeId: number, force: boolean, outcome: Exclude<RemoveOutcome, { kind: 'done' }>): DomainError {
  switch (outcome.kind) {
    case 'missing':
      return memberNotFound(nodeId);
    case 'moved':
      if (!force && outcome.current.drainState !== 'drained') {
        return new Conflict(`Cluster member ${nodeId} must be drained before removal (or pass force=true)`);
      }
      return new Conflict(`Cluster member ${nodeId} changed concurrently; retry`, 1);
    case 'leader':
      return new Conflict(`Cluster member ${nodeId} is the leader and cannot be removed`);
    case 'voters-moved':
      return new Conflict(`The cluster's voters changed concurrently; retry`, 1);
    case 'contended':
      return contendedChange();
  }
}
