import { useState } from 'preact/hooks';
import { api, type User } from './api';
import { useAction } from './hooks';
import { Alert } from './alert';

export function Login({ onLogin }: { onLogin: (user: User) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    let user: User | undefined;
    if (await run('Log in', async () => (user = await api.login(email, password)))) onLogin(user!);
  };
  return (
    <main class="centered">
      <form class="card login" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">Roster</h1>
        <p class="muted">Log in to the cluster console.</p>
        <label>
          Email
          <input type="email" autoComplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label>
          Password
          <input
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        <Alert message={error} />
        <button type="submit" class="primary" disabled={busy}>
          Log in
        </button>
      </form>
    </main>
  );
}
