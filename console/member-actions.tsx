import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Member } from './api';
import { plural } from './format';
import { useAction } from './hooks';
import { useSession } from './session';
import { Alert } from './alert';

interface Props {
  member: Member;
  onChange: () => Promise<void>;
}

/**
 * What the signed-in role may do to one member: drain (with a deadline), resume and promote
 * for operators and admins, remove for admins. A failure stays next to the buttons, in the
 * API's words, until the next try.
 */
export function MemberActions({ member: m, onChange }: Props) {
  const { isAdmin } = useSession();
  const [mode, setMode] = useState<'buttons' | 'drain' | 'remove'>('buttons');
  const action = useAction();
  const describedBy = `node-${m.nodeId}`;
  const act = async (what: string, call: () => Promise<unknown>) => {
    if (await action.run(what, call)) await onChange();
  };

  return (
    <div class="actions">
      {mode === 'drain' ? (
        <DrainForm
          member={m}
          busy={action.busy}
          onCancel={() => setMode('buttons')}
          onDrain={async (deadlineSeconds) => {
            await act('Drain', () => api.ella('POST', `cluster/members/${m.nodeId}/drain`, { deadlineSeconds }));
            setMode('buttons');
          }}
        />
      ) : (
        <div class="buttons">
          {m.drainState === 'active' ? (
            <button type="button" aria-describedby={describedBy} disabled={action.busy} onClick={() => (action.clear(), setMode('drain'))}>
              Drain
            </button>
          ) : (
            <button
              type="button"
              aria-describedby={describedBy}
              disabled={action.busy}
              onClick={() => act('Resume', () => api.ella('POST', `cluster/members/${m.nodeId}/resume`))}
            >
              Resume
            </button>
          )}
          {m.suffrage === 'nonvoter' && (
            <button
              type="button"
              aria-describedby={describedBy}
              disabled={action.busy}
              onClick={() => act('Promote', () => api.ella('POST', `cluster/members/${m.nodeId}/promote`))}
            >
              Promote
            </button>
          )}
          {isAdmin && (
            <button
              type="button"
              class="danger"
              aria-describedby={describedBy}
              disabled={action.busy}
              onClick={() => (action.clear(), setMode('remove'))}
            >
              Remove
            </button>
          )}
        </div>
      )}
      {mode === 'remove' && (
        <RemoveDialog
          member={m}
          // The member the API refuses to remove: the one its list marks the leader.
          isLeader={m.isLeader}
          busy={action.busy}
          error={action.error}
          onClose={() => (action.clear(), setMode('buttons'))}
          onRemove={async (force) => {
            const removed = await action.run('Remove', () =>
              api.ella('DELETE', `cluster/members/${m.nodeId}${force ? '?force=true' : ''}`),
            );
            if (removed) {
              setMode('buttons');
              await onChange();
            }
          }}
        />
      )}
      {action.error && mode !== 'remove' && (
        <p class="error" role="alert">
          {action.error}
        </p>
      )}
    </div>
  );
}

function DrainForm({
  member: m,
  busy,
  onCancel,
  onDrain,
}: {
  member: Member;
  busy: boolean;
  onCancel: () => void;
  onDrain: (deadlineSeconds: number) => void;
}) {
  const [deadline, setDeadline] = useState('60');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  return (
    <form
      class="inline"
      aria-label={`Drain node ${m.nodeId}`}
      onSubmit={(e) => (e.preventDefault(), onDrain(Number(deadline)))}
      onKeyDown={(e) => e.key === 'Escape' && onCancel()}
    >
      <label>
        Deadline (seconds)
        <input
          ref={input}
          type="number"
          min={0}
          max={3600}
          step={1}
          required
          value={deadline}
          onInput={(e) => setDeadline(e.currentTarget.value)}
        />
      </label>
      <span class="hint">
        {plural(m.activeLeases, 'lease')} held; 0 drains at once, otherwise when they are released or at the deadline.
      </span>
      <div class="buttons">
        <button type="submit" class="primary" disabled={busy}>
          Start drain
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Says what removing will do; `force` is offered only where the API takes it: a member that is not drained, and not the leader. */
function RemoveDialog({
  member: m,
  isLeader,
  busy,
  error,
  onClose,
  onRemove,
}: {
  member: Member;
  isLeader: boolean;
  busy: boolean;
  error: string | undefined;
  onClose: () => void;
  onRemove: (force: boolean) => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [force, setForce] = useState(false);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  const drained = m.drainState === 'drained';
  const title = `remove-title-${m.nodeId}`;
  const leases = plural(m.activeLeases, 'lease');
  return (
    <dialog ref={dialog} aria-labelledby={title} onCancel={(e) => (e.preventDefault(), onClose())} class="card">
      <h2 id={title}>Remove node {m.nodeId}?</h2>
      {isLeader ? (
        <p>
          Node {m.nodeId} holds the leader lease, and Roster never removes the leader, even by force. Drain it so that another voter takes
          over, then remove it.
        </p>
      ) : drained ? (
        <p>
          Node {m.nodeId} is drained. Removing it takes it out of the cluster for good and revokes its {leases}; to come back it must join
          again with a new token.
        </p>
      ) : (
        <>
          <p>
            Node {m.nodeId} is {m.drainState}, not drained: drain it first, or remove it by force. By force, its {leases}{' '}
            {m.activeLeases === 1 ? 'is' : 'are'} revoked at once, without a handover, and it leaves the cluster for good.
          </p>
          <label class="check">
            <input type="checkbox" checked={force} onChange={(e) => setForce(e.currentTarget.checked)} />
            Remove by force, without draining
          </label>
        </>
      )}
      <Alert message={error} />
      <div class="buttons end">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        {!isLeader && (
          <button type="button" class="danger" disabled={busy || (!drained && !force)} onClick={() => onRemove(!drained && force)}>
            Remove node {m.nodeId}
          </button>
        )}
      </div>
    </dialog>
  );
}
