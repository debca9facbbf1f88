import { useState } from 'preact/hooks';
import { api, type AuditEntry, type Page } from './api';
import { time } from './format';
import { usePoll } from './hooks';
import { Pager } from './pager';
import { Alert } from './alert';

const PER_PAGE = 25;

interface Filter {
  user: string;
  action: string;
}

/** The audit log, newest first, filtered by user and action, a page at a time (following the API's `next`). */
export function AuditView() {
  const [draft, setDraft] = useState<Filter>({ user: '', action: '' });
  const [filter, setFilter] = useState<Filter>({ user: '', action: '' });
  // The cursor of each page so far: page N is read with cursors[N - 1] (undefined for the first).
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const query = new URLSearchParams({ per_page: String(PER_PAGE) });
  if (filter.user) query.set('user', filter.user);
  if (filter.action) query.set('action', filter.action);
  if (cursor) query.set('next', cursor);
  const { data, error } = usePoll(() => api.get<Page<AuditEntry>>(`logs/audit?${query}`), 0, [query.toString()]);

  return (
    <>
      <h1 id="audit-heading">Audit log</h1>
      <form
        class="filters"
        role="search"
        aria-label="Filter the audit log"
        onSubmit={(e) => {
          e.preventDefault();
          setCursors([undefined]);
          setFilter({ user: draft.user.trim(), action: draft.action.trim() });
        }}
      >
        <label>
          User
          <input value={draft.user} placeholder="admin@example.com" onInput={(e) => setDraft({ ...draft, user: e.currentTarget.value })} />
        </label>
        <label>
          Action
          <input value={draft.action} placeholder="member.drain" onInput={(e) => setDraft({ ...draft, action: e.currentTarget.value })} />
        </label>
        <button type="submit">Filter</button>
      </form>
      <Alert message={error} />
      {data?.items.length === 0 ? (
        <p class="empty">No entry{filter.user || filter.action ? ' matches the filter' : ''}.</p>
      ) : (
        <div class="table-wrap">
          <table aria-labelledby="audit-heading">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">User</th>
                <th scope="col">Action</th>
                <th scope="col">Details</th>
                <th scope="col">Address</th>
              </tr>
            </thead>
            <tbody>
              {data?.items.map((e) => (
                <tr key={e.id}>
                  <td>
                    <time dateTime={e.timestamp}>{time(e.timestamp)}</time>
                  </td>
                  <td>{e.user}</td>
                  <td class="mono">{e.action}</td>
                  <td class="small">{e.details}</td>
                  <td class="mono small">{e.ip || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data && (
        <Pager
          label="Audit log pages"
          page={cursors.length}
          pages={Math.max(1, Math.ceil(data.total_count / PER_PAGE))}
          hasPrevious={cursors.length > 1}
          hasNext={data.next !== undefined}
          onPrevious={() => setCursors(cursors.slice(0, -1))}
          onNext={() => data.next && setCursors([...cursors, data.next])}
        />
      )}
    </>
  );
}
