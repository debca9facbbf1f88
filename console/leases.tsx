import { useState } from 'preact/hooks';
import { api, type Lease } from './api';
import { secondsUntil, time } from './format';
import { useNow, usePoll } from './hooks';
import { Pager } from './pager';
import { Alert } from './alert';

const PER_PAGE = 50;

/** Every lease by name, a page at a time: holder, fencing token, expiry. */
export function LeasesView() {
  // The cursors of the pages before this one: `after` of each page is the last name before it.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const after = cursors[cursors.length - 1];
  const now = useNow();
  const { data, error } = usePoll(
    () => api.get<{ items: Lease[]; next?: string }>(`leases?limit=${PER_PAGE}${after ? `&after=${encodeURIComponent(after)}` : ''}`),
    5000,
    [after],
  );
  return (
    <>
      <h1 id="leases-heading">Leases</h1>
      <Alert message={error} />
      {data?.items.length === 0 && cursors.length === 1 ? (
        <p class="empty">No lease yet: nodes take them with PUT /api/v1/leases/&#123;name&#125;.</p>
      ) : (
        <div class="table-wrap">
          <table aria-labelledby="leases-heading">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Holder</th>
                <th scope="col">Fencing token</th>
                <th scope="col">Expires</th>
              </tr>
            </thead>
            <tbody>
              {data?.items.map((l) => (
                <tr key={l.name}>
                  <td class="mono">{l.name}</td>
                  <td>{l.holder === null ? <span class="muted">free</span> : `node ${l.holder}`}</td>
                  <td class="num">{l.fencingToken}</td>
                  <td>
                    {l.expiresAt ? (
                      <time dateTime={l.expiresAt} title={time(l.expiresAt)}>
                        in {secondsUntil(l.expiresAt, now)} s
                      </time>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        label="Leases pages"
        page={cursors.length}
        hasPrevious={cursors.length > 1}
        hasNext={data?.next !== undefined}
        onPrevious={() => setCursors(cursors.slice(0, -1))}
        onNext={() => data?.next && setCursors([...cursors, data.next])}
      />
    </>
  );
}
