import { config } from '../config';
import { Contention } from '../errors';
import { AGAIN, withContention } from '../store/retry';
import { takeLease, type Election } from './leader-store';
import type { Member } from './member';
import { readElectorate, votersOf } from './member-reads';
import { ensureClusterMeta, type ClusterMeta } from './meta';
import { healthiestVoter, leaseLapsed } from './rules';

/**
 * Leader election and hand-over, decided on a consistent read and made by the leader-lease
 * store's conditional writes (./leader-store.ts). The leader lease lives on the cluster item: `leaderNodeId`, `leaderExpiresAt` (epoch
 * ms) and `raftTerm`, its fencing token. A holder renews it while it is unexpired; once
 * it lapses, whoever takes it raises the term with a conditional write on the term it
 * read, so under any race there is one leader per term and terms strictly increase.
 */

export { abdicate, renewLeader, type Election } from './leader-store';

export type Transfer =
  | { kind: 'transferred'; leaderNodeId: number; raftTerm: number }
  | { kind: 'not-leader'; meta: ClusterMeta }
  /** No other active voter is healthy: the caller decides (drain: 409, or force and abdicate). */
  | { kind: 'no-candidate' };

const thresholdMs = () => config.autopilot.lastContactThresholdSeconds * 1000;

/**
 * Takes a lapsed leader lease for the healthiest active voter (heartbeats, and the
 * watcher, call this). Does nothing while the lease is held. `seen` is a consistent read
 * the caller already made (the watcher's pass; a heartbeat's of the cluster item alone,
 * whose voters are then read): the first attempt decides on it, and only a lost race
 * reads again.
 */
export async function electLeader(
  now: number,
  actor = 'system',
  requestId = 'election',
  seen?: { meta: ClusterMeta; members?: readonly Member[] },
): Promise<Election> {
  try {
    return await withContention<Election>(
      async (attempt) => {
        const { meta, members } =
          attempt === 0 && seen ? { meta: seen.meta, members: seen.members ?? (await votersOf(seen.meta)) } : await readElectorate();
        if (!leaseLapsed(meta, now)) return { kind: 'held', meta };
        const candidate = healthiestVoter(members, now, thresholdMs());
        if (!candidate) return { kind: 'none' };
        const taken = await takeLease({ candidate, seen: meta, now, expected: 'lapsed', actor, requestId });
        return taken.kind === 'retry' ? AGAIN : taken;
      },
      { attempts: 3, message: 'The leader election kept losing to concurrent changes; retry' },
    );
  } catch (err) {
    // Every round lost to someone raising the term: whoever won holds it now.
    if (err instanceof Contention) return { kind: 'held', meta: await ensureClusterMeta(true) };
    throw err;
  }
}

/**
 * Hands the lease of `fromNodeId` to the healthiest OTHER active voter (drain calls this
 * when the leader starts draining), with a new term.
 */
export async function transferLeadership(fromNodeId: number, now: number, actor = 'system', requestId = 'transfer'): Promise<Transfer> {
  return withContention<Transfer>(
    async () => {
      const { meta, members } = await readElectorate();
      if (meta.leaderNodeId !== fromNodeId) return { kind: 'not-leader', meta };
      const candidate = healthiestVoter(members, now, thresholdMs(), fromNodeId);
      if (!candidate) return { kind: 'no-candidate' };
      const taken = await takeLease({ candidate, seen: meta, now, expected: 'holder', actor, requestId });
      if (taken.kind === 'elected') return { kind: 'transferred', leaderNodeId: taken.leaderNodeId, raftTerm: taken.raftTerm };
      if (taken.kind === 'held' && taken.meta.leaderNodeId !== fromNodeId) return { kind: 'not-leader', meta: taken.meta };
      return AGAIN;
    },
    { attempts: 3, message: `Leadership of node ${fromNodeId} could not be transferred under contention; retry` },
  );
}
