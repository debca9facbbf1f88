import { useState } from 'preact/hooks';
import { API_ROOT, api, type JoinToken } from './api';
import { time } from './format';
import { useAction, usePoll } from './hooks';
import { Alert } from './alert';

interface Minted {
  nodeID: number;
  token: string;
  expiresAt: number;
}

/** The API's URL as a node reaches it: where the console was loaded from. */
const apiUrl = () => API_ROOT.href.replace(/\/$/, '');

/** Mint a join token for a node id (shown once, with the agent command that uses it); the unused tokens, revocable. */
export function JoinView() {
  const [nodeId, setNodeId] = useState('');
  const [minutes, setMinutes] = useState('30');
  const [minted, setMinted] = useState<Minted>();
  const mint = useAction();
  const pending = usePoll(() => api.get<JoinToken[]>('cluster/pki/join-tokens'), 0, [minted]);
  const revoke = useAction();

  const submit = async (e: Event) => {
    e.preventDefault();
    const nodeID = Number(nodeId);
    await mint.run('Minting the token', async () => {
      const answer = await api.ella<{ token: string; expiresAt: number }>('POST', 'cluster/pki/join-tokens', {
        nodeID,
        ttlSeconds: Math.round(Number(minutes) * 60),
      });
      setMinted({ nodeID, ...answer });
    });
  };

  return (
    <>
      <h1>Join a node</h1>
      <form class="card form-grid" onSubmit={submit} aria-label="Mint a join token">
        <label>
          Node id
          <input type="number" min={1} step={1} required value={nodeId} onInput={(e) => setNodeId(e.currentTarget.value)} />
        </label>
        <label>
          Valid for (minutes)
          <input type="number" min={5} max={1440} step={1} required value={minutes} onInput={(e) => setMinutes(e.currentTarget.value)} />
        </label>
        <button type="submit" class="primary" disabled={mint.busy}>
          Mint join token
        </button>
        <Alert message={mint.error} />
      </form>
      {minted && <MintedToken minted={minted} />}
      <section aria-labelledby="pending-heading">
        <h2 id="pending-heading">Unused join tokens</h2>
        <Alert message={revoke.error} />
        {pending.error && <p class="error">{pending.error}</p>}
        {pending.data?.length === 0 ? (
          <p class="empty">None: every token minted has been used, revoked or has expired.</p>
        ) : (
          <table aria-labelledby="pending-heading">
            <thead>
              <tr>
                <th scope="col">Node</th>
                <th scope="col">Token id</th>
                <th scope="col">Valid until</th>
                <th scope="col">Minted by</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {pending.data?.map((t) => (
                <tr key={t.id}>
                  <td>{t.nodeID}</td>
                  <td class="mono small">{t.id}</td>
                  <td>{time(t.expiresAt * 1000)}</td>
                  <td>{t.createdBy ?? '—'}</td>
                  <td>
                    <button
                      type="button"
                      disabled={revoke.busy}
                      onClick={async () => {
                        if (await revoke.run('Revoke', () => api.ella('DELETE', `cluster/pki/join-tokens/${t.id}`))) await pending.reload();
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
    </>
  );
}

function MintedToken({ minted }: { minted: Minted }) {
  const command = `ROSTER_URL=${apiUrl()} ROSTER_JOIN_TOKEN=${minted.token} ROSTER_STATE_FILE=.roster/node-${minted.nodeID}.json npx tsx examples/agent.ts`;
  return (
    <section class="card minted" aria-labelledby="minted-heading">
      <h2 id="minted-heading">Join token for node {minted.nodeID}</h2>
      <p>
        Shown this once: Roster keeps only its id. It joins node {minted.nodeID} once, until {time(minted.expiresAt * 1000)}.
      </p>
      <Copyable label="Join token" text={minted.token} />
      <p>Start the node with roster/agent, which joins with the token and keeps the node credential in its state file:</p>
      <Copyable label="Agent command" text={command} />
    </section>
  );
}

function Copyable({ label, text }: { label: string; text: string }) {
  const [copied, setCopied] = useState<string>();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('Copied');
    } catch {
      setCopied('Copying was refused: select the text and copy it');
    }
  };
  return (
    <div class="copyable">
      <label>
        {label}
        <textarea readOnly rows={text.length > 200 ? 4 : 2} value={text} onFocus={(e) => e.currentTarget.select()} class="mono" />
      </label>
      <button type="button" onClick={copy}>
        Copy {label.toLowerCase()}
      </button>
      <span role="status" class="muted">
        {copied}
      </span>
    </div>
  );
}
