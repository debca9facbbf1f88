import { api, type Autopilot, type Member, type Status } from './api';
import { ago, plural, secondsUntil } from './format';
import { useNow, usePoll } from './hooks';
import { MemberActions } from './member-actions';
import { useSession } from './session';

interface ClusterState {
  status: Status;
  autopilot: Autopilot;
  members: Member[];
  at: number;
}

async function loadCluster(): Promise<ClusterState> {
  const [status, autopilot, members] = await Promise.all([
    api.get<Status>('status'),
    api.get<Autopilot>('cluster/autopilot'),
    api.get<Member[]>('cluster/members'),
  ]);
  return { status, autopilot, members, at: Date.now() };
}

/** The cluster at a glance (autopilot's view) and its members, refreshed while the page is shown. */
export function ClusterView() {
  const { canOperate } = useSession();
  const now = useNow();
  // Every 3 s; a drain in progress every second, so its end shows at once.
  const { data, error, reload } = usePoll(
    loadCluster,
    (last) => (last?.members.some((m) => m.drainState === 'draining') ? 1000 : 3000),
    [],
  );

  return (
    <>
      <section aria-labelledby="cluster-heading">
        <div class="title-row">
          <h1 id="cluster-heading">Cluster</h1>
          {data && (
            <span class="muted">
              Roster {data.status.version} · updated {ago(new Date(data.at).toISOString(), now)}
            </span>
          )}
        </div>
        {error && (
          <p class="error" role="alert">
            Could not refresh: {error}
          </p>
        )}
        {data ? <Overview {...data} /> : !error && <p aria-busy="true">Loading…</p>}
      </section>
      <section aria-labelledby="members-heading">
        <h2 id="members-heading">Members</h2>
        {data && data.members.length === 0 ? (
          <p class="empty">No member yet: mint a join token under “Join a node”.</p>
        ) : (
          <div class="table-wrap">
            <table aria-labelledby="members-heading" class="members">
              <thead>
                <tr>
                  <th scope="col">Node</th>
                  <th scope="col">Addresses</th>
                  <th scope="col">Version</th>
                  <th scope="col">Suffrage</th>
                  <th scope="col">Drain</th>
                  <th scope="col">Health</th>
                  <th scope="col">Status</th>
                  <th scope="col">Last heartbeat</th>
                  <th scope="col">Leases</th>
                  {canOperate && <th scope="col">Actions</th>}
                </tr>
              </thead>
              <tbody>
                {data?.members.map((m) => (
                  <MemberRow key={m.nodeId} member={m} autopilot={data.autopilot} now={now} onChange={reload} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}

function Overview({ status, autopilot, members }: ClusterState) {
  const leader = autopilot.leaderNodeId;
  return (
    <dl class="stats">
      <div>
        <dt>Leader</dt>
        <dd>{leader ? `node ${leader}` : 'none'}</dd>
      </div>
      <div>
        <dt>Term</dt>
        <dd>{status.cluster.raftTerm ?? '—'}</dd>
      </div>
      <div>
        <dt>Health</dt>
        <dd>
          <span class={`badge ${autopilot.healthy ? 'ok' : 'bad'}`}>{autopilot.healthy ? 'healthy' : 'unhealthy'}</span>
        </dd>
      </div>
      <div>
        <dt>Failure tolerance</dt>
        <dd>{plural(autopilot.failureTolerance, 'node')}</dd>
      </div>
      <div>
        <dt>Voters</dt>
        <dd>{autopilot.voters.length ? autopilot.voters.join(', ') : 'none'}</dd>
      </div>
      <div>
        <dt>Members</dt>
        <dd>{members.length}</dd>
      </div>
      <div class="wide">
        <dt>Cluster id</dt>
        <dd class="mono">{status.cluster.clusterId}</dd>
      </div>
    </dl>
  );
}

function MemberRow({
  member: m,
  autopilot,
  now,
  onChange,
}: {
  member: Member;
  autopilot: Autopilot;
  now: number;
  onChange: () => Promise<void>;
}) {
  const { canOperate } = useSession();
  const server = autopilot.servers.find((s) => s.nodeId === m.nodeId);
  return (
    <tr>
      <th scope="row" id={`node-${m.nodeId}`}>
        {m.nodeId}
        {m.isLeader && <span class="badge leader">leader</span>}
      </th>
      <td class="mono small">
        <div title="raft address">{m.raftAddress}</div>
        <div title="API address">{m.apiAddress}</div>
      </td>
      <td class="mono">{m.binaryVersion}</td>
      <td>{m.suffrage}</td>
      <td>
        <DrainState member={m} now={now} />
      </td>
      <td>{server ? <span class={`badge ${server.healthy ? 'ok' : 'bad'}`}>{server.healthy ? 'healthy' : 'unhealthy'}</span> : '—'}</td>
      <td>
        <span class={`status ${m.nodeStatus}`}>{m.nodeStatus}</span>
      </td>
      <td>{m.lastHeartbeatAt ? <time dateTime={m.lastHeartbeatAt}>{ago(m.lastHeartbeatAt, now)}</time> : 'never'}</td>
      <td class="num">{m.activeLeases}</td>
      {canOperate && (
        <td>
          <MemberActions member={m} onChange={onChange} />
        </td>
      )}
    </tr>
  );
}

/** active, drained, or a drain's live progress: leases left and time to the deadline. */
function DrainState({ member: m, now }: { member: Member; now: number }) {
  if (m.drainState !== 'draining') return <span class={`badge ${m.drainState === 'drained' ? 'muted' : 'ok'}`}>{m.drainState}</span>;
  const deadline = m.drainDeadline;
  const left = deadline ? secondsUntil(deadline, now) : undefined;
  const total = deadline && m.drainUpdatedAt ? Math.max(1, (Date.parse(deadline) - Date.parse(m.drainUpdatedAt)) / 1000) : undefined;
  return (
    <div class="drain">
      <span class="badge warn">draining</span>
      {total !== undefined && left !== undefined && (
        <progress max={total} value={total - left} aria-label={`Drain of node ${m.nodeId}: time to the deadline`} />
      )}
      <span class="small">
        {plural(m.activeLeases, 'lease')} left{left === undefined ? '' : ` · ${left} s to the deadline`}
      </span>
    </div>
  );
}
