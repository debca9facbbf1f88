import { useState } from 'preact/hooks';
import { api, ROLE_NAMES, type ApiToken, type Page, type RoleId, type User } from './api';
import { time } from './format';
import { useAction, usePoll } from './hooks';
import { Pager } from './pager';
import { useSession } from './session';
import { Alert } from './alert';

const PER_PAGE = 25;
const ROLES: RoleId[] = [1, 3, 2];

/** Users and their roles, and each user's API tokens (admins only, as the API). */
export function UsersView() {
  const [page, setPage] = useState(1);
  const [changed, setChanged] = useState(0);
  const [tokensOf, setTokensOf] = useState<string>();
  const users = usePoll(() => api.get<Page<User>>(`users?page=${page}&per_page=${PER_PAGE}`), 0, [page, changed]);
  const refresh = () => setChanged((n) => n + 1);
  return (
    <>
      <h1>Users and API tokens</h1>
      <CreateUser onCreated={refresh} />
      <section aria-labelledby="users-heading">
        <h2 id="users-heading">Users</h2>
        <Alert message={users.error} />
        <div class="table-wrap">
          <table aria-labelledby="users-heading">
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {users.data?.items.map((u) => (
                <UserRow key={u.email} user={u} onChange={refresh} onTokens={() => setTokensOf(u.email)} />
              ))}
            </tbody>
          </table>
        </div>
        {users.data && (
          <Pager
            label="Users pages"
            page={page}
            pages={Math.max(1, Math.ceil(users.data.total_count / PER_PAGE))}
            hasPrevious={page > 1}
            hasNext={page * PER_PAGE < users.data.total_count}
            onPrevious={() => setPage(page - 1)}
            onNext={() => setPage(page + 1)}
          />
        )}
      </section>
      {tokensOf && <ApiTokens key={tokensOf} email={tokensOf} />}
    </>
  );
}

function CreateUser({ onCreated }: { onCreated: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<RoleId>(2);
  const create = useAction();
  return (
    <form
      class="card form-grid"
      aria-label="Create a user"
      onSubmit={async (e) => {
        e.preventDefault();
        if (await create.run('Creating the user', () => api.ella('POST', 'users', { email, password, role_id: role }))) {
          setEmail('');
          setPassword('');
          onCreated();
        }
      }}
    >
      <label>
        Email
        <input type="email" required autoComplete="off" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
      </label>
      <label>
        Password
        <input
          type="password"
          required
          minLength={8}
          autoComplete="new-password"
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
      </label>
      <label>
        Role
        <RoleSelect value={role} onChange={setRole} />
      </label>
      <button type="submit" class="primary" disabled={create.busy}>
        Create user
      </button>
      <Alert message={create.error} />
    </form>
  );
}

function RoleSelect({
  value,
  onChange,
  label,
  disabled,
}: {
  value: RoleId;
  onChange: (r: RoleId) => void;
  label?: string;
  disabled?: boolean;
}) {
  return (
    <select aria-label={label} value={value} disabled={disabled} onChange={(e) => onChange(Number(e.currentTarget.value) as RoleId)}>
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {ROLE_NAMES[r]}
        </option>
      ))}
    </select>
  );
}

function UserRow({ user, onChange, onTokens }: { user: User; onChange: () => void; onTokens: () => void }) {
  const { user: me } = useSession();
  const [confirming, setConfirming] = useState(false);
  const action = useAction();
  const self = user.email === me.email;
  return (
    <tr>
      <th scope="row">{user.email}</th>
      <td>
        <RoleSelect
          label={`Role of ${user.email}`}
          value={user.role_id}
          disabled={self || action.busy}
          onChange={async (role_id) => {
            if (await action.run('Changing the role', () => api.ella('PUT', `users/${encodeURIComponent(user.email)}`, { role_id })))
              onChange();
          }}
        />
      </td>
      <td>
        <div class="buttons">
          <button type="button" onClick={onTokens}>
            API tokens
          </button>
          {!self &&
            (confirming ? (
              <>
                <button
                  type="button"
                  class="danger"
                  disabled={action.busy}
                  onClick={async () => {
                    if (await action.run('Deleting the user', () => api.ella('DELETE', `users/${encodeURIComponent(user.email)}`)))
                      onChange();
                  }}
                >
                  Delete {user.email}
                </button>
                <button type="button" onClick={() => setConfirming(false)}>
                  Cancel
                </button>
              </>
            ) : (
              <button type="button" class="danger" onClick={() => setConfirming(true)}>
                Delete
              </button>
            ))}
        </div>
        {confirming && <p class="hint">Their sessions and API tokens stop working at once.</p>}
        <Alert message={action.error} />
      </td>
    </tr>
  );
}

function ApiTokens({ email }: { email: string }) {
  const path = `users/${encodeURIComponent(email)}/api-tokens`;
  const [changed, setChanged] = useState(0);
  const tokens = usePoll(() => api.get<Page<ApiToken>>(`${path}?per_page=100`), 0, [changed]);
  const [name, setName] = useState('');
  const [expires, setExpires] = useState('');
  const [minted, setMinted] = useState<string>();
  const action = useAction();
  return (
    <section class="card" aria-labelledby="tokens-heading">
      <h2 id="tokens-heading">API tokens of {email}</h2>
      <form
        class="form-grid"
        aria-label={`Mint an API token for ${email}`}
        onSubmit={async (e) => {
          e.preventDefault();
          const body = { name, ...(expires ? { expires_at: new Date(`${expires}T23:59:59Z`).toISOString() } : {}) };
          await action.run('Minting the token', async () => {
            setMinted((await api.ella<{ token: string }>('POST', path, body)).token);
            setName('');
            setChanged((n) => n + 1);
          });
        }}
      >
        <label>
          Name
          <input required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          Expires (empty: never)
          <input type="date" value={expires} onInput={(e) => setExpires(e.currentTarget.value)} />
        </label>
        <button type="submit" class="primary" disabled={action.busy}>
          Mint API token
        </button>
      </form>
      {minted && (
        <p role="status">
          New token, shown this once: <code class="mono">{minted}</code>
        </p>
      )}
      {(action.error ?? tokens.error) && (
        <p class="error" role="alert">
          {action.error ?? tokens.error}
        </p>
      )}
      {tokens.data?.items.length === 0 ? (
        <p class="empty">No API token.</p>
      ) : (
        <table aria-labelledby="tokens-heading">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Id</th>
              <th scope="col">Expires</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {tokens.data?.items.map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td class="mono small">{t.id}</td>
                <td>{t.expires_at ? time(t.expires_at) : 'never'}</td>
                <td>
                  <button
                    type="button"
                    disabled={action.busy}
                    onClick={async () => {
                      if (await action.run('Revoking the token', () => api.ella('DELETE', `${path}/${t.id}`))) setChanged((n) => n + 1);
                    }}
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
