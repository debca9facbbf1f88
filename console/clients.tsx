import { useState } from 'preact/hooks';
import { api, type Client } from './api';
import { ago } from './format';
import { useNow, usePoll } from './hooks';
import { Pager } from './pager';
import { Alert } from './alert';

const PER_PAGE = 50;

async function loadClients(namespace: string, offset: number): Promise<{ items: Client[]; total: number }> {
  const { body, headers } = await api.request(
    'GET',
    `api/core/v2/namespaces/${encodeURIComponent(namespace)}/clients?limit=${PER_PAGE}&offset=${offset}`,
  );
  const pagination = JSON.parse(headers.get('x-pagination') ?? '{}') as { total?: number };
  const items = body as Client[];
  return { items, total: pagination.total ?? items.length };
}

const subscriptionsOf = (c: Client): string => (Array.isArray(c.subscriptions) ? c.subscriptions.map(String).join(', ') : '');
const seconds = (v: unknown): string | undefined => (typeof v === 'number' ? new Date(v * 1000).toISOString() : undefined);

/** The Sensu client registry, one namespace at a time, with each client's keepalive status. */
export function ClientsView() {
  const [draft, setDraft] = useState('default');
  const [namespace, setNamespace] = useState('default');
  const [offset, setOffset] = useState(0);
  const now = useNow();
  const { data, error } = usePoll(() => loadClients(namespace, offset), 5000, [namespace, offset]);
  return (
    <>
      <h1 id="clients-heading">Clients</h1>
      <form
        class="filters"
        role="search"
        aria-label="Choose a namespace"
        onSubmit={(e) => {
          e.preventDefault();
          setOffset(0);
          setNamespace(draft.trim() || 'default');
        }}
      >
        <label>
          Namespace
          <input value={draft} onInput={(e) => setDraft(e.currentTarget.value)} />
        </label>
        <button type="submit">Show</button>
      </form>
      <Alert message={error} />
      {data?.items.length === 0 ? (
        <p class="empty">No client in namespace {namespace}.</p>
      ) : (
        <div class="table-wrap">
          <table aria-labelledby="clients-heading">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Address</th>
                <th scope="col">Subscriptions</th>
                <th scope="col">Keepalive</th>
                <th scope="col">Last seen</th>
              </tr>
            </thead>
            <tbody>
              {data?.items.map((c) => (
                <tr key={c.name}>
                  <td class="mono">{c.name}</td>
                  <td class="mono">{typeof c.address === 'string' ? c.address : '—'}</td>
                  <td class="small">{subscriptionsOf(c)}</td>
                  <td>
                    <span class={`badge ${c.keepalive_status === 'ok' ? 'ok' : c.keepalive_status === 'warning' ? 'warn' : 'bad'}`}>
                      {c.keepalive_status}
                    </span>
                  </td>
                  <td>{ago(seconds(c.timestamp), now)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        label="Clients pages"
        page={offset / PER_PAGE + 1}
        pages={data ? Math.max(1, Math.ceil(data.total / PER_PAGE)) : undefined}
        hasPrevious={offset > 0}
        hasNext={data !== undefined && offset + PER_PAGE < data.total}
        onPrevious={() => setOffset(Math.max(0, offset - PER_PAGE))}
        onNext={() => setOffset(offset + PER_PAGE)}
      />
    </>
  );
}
