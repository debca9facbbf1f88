import type { ComponentType } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ROLE_NAMES, type User } from './api';
import { AuditView } from './audit';
import { ClientsView } from './clients';
import { ClusterView } from './cluster';
import { JoinView } from './join';
import { LeasesView } from './leases';
import { Login } from './login';
import { SessionContext, sessionOf } from './session';
import { UsersView } from './users';

interface View {
  id: string;
  label: string;
  adminOnly?: boolean;
  component: ComponentType;
}

/** The pages, by `#/<id>`: the page itself is always /ui/, so every asset path stays relative. */
const VIEWS: readonly View[] = [
  { id: 'cluster', label: 'Cluster', component: ClusterView },
  { id: 'join', label: 'Join a node', adminOnly: true, component: JoinView },
  { id: 'leases', label: 'Leases', component: LeasesView },
  { id: 'clients', label: 'Clients', component: ClientsView },
  { id: 'users', label: 'Users and API tokens', adminOnly: true, component: UsersView },
  { id: 'audit', label: 'Audit log', adminOnly: true, component: AuditView },
];

const hashView = () => location.hash.replace(/^#\/?/, '') || 'cluster';

function useHash(): string {
  const [id, setId] = useState(hashView);
  useEffect(() => {
    const onChange = () => setId(hashView());
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return id;
}

export function App() {
  // undefined: still asking the session cookie; null: signed out.
  const [user, setUser] = useState<User | null | undefined>(undefined);
  useEffect(() => {
    api.onSignedOut = () => setUser(null);
    api.resume().then(
      (u) => setUser(u ?? null),
      () => setUser(null),
    );
  }, []);

  if (user === undefined)
    return (
      <main class="centered" aria-busy="true">
        <p>Loading…</p>
      </main>
    );
  if (user === null) return <Login onLogin={setUser} />;
  return (
    <SessionContext.Provider value={sessionOf(user)}>
      <Shell
        user={user}
        onLogout={async () => {
          await api.logout();
          setUser(null);
        }}
      />
    </SessionContext.Provider>
  );
}

function Shell({ user, onLogout }: { user: User; onLogout: () => void }) {
  const id = useHash();
  const views = VIEWS.filter((v) => !v.adminOnly || user.role_id === 1);
  const view = views.find((v) => v.id === id) ?? views[0]!;
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    // After a change of page, keyboard and screen-reader users start at its content.
    if (!first.current) main.current?.focus();
    first.current = false;
  }, [view.id]);
  const Page = view.component;
  return (
    <>
      <a class="skip" href="#content" onClick={(e) => (e.preventDefault(), main.current?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <span class="brand">
          <svg viewBox="0 0 32 32" aria-hidden="true" class="logo">
            <rect width="32" height="32" rx="7" />
            <path d="M10 11 22 11 16 22Z" />
            <circle cx="10" cy="11" r="3.2" />
            <circle cx="22" cy="11" r="3.2" />
            <circle cx="16" cy="22" r="3.2" class="accent" />
          </svg>
          Roster
        </span>
        <nav aria-label="Console">
          <ul>
            {views.map((v) => (
              <li key={v.id}>
                <a href={`#/${v.id}`} aria-current={v.id === view.id ? 'page' : undefined}>
                  {v.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span>
            {user.email} <span class="role">{ROLE_NAMES[user.role_id]}</span>
          </span>
          <button type="button" class="quiet" onClick={onLogout}>
            Log out
          </button>
        </div>
      </header>
      <main id="content" ref={main} tabIndex={-1}>
        <Page />
      </main>
    </>
  );
}
