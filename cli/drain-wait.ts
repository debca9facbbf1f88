import type { Api } from './client';

interface MemberView {
  drainState: 'active' | 'draining' | 'drained';
  activeLeases?: number;
  drainDeadline?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Follows a drain until the member is drained (0) or `timeoutSeconds` pass (1): on a
 * terminal one line rewritten in place, otherwise a line each time something changes.
 */
export async function waitForDrain(api: Api, id: number, timeoutSeconds: number): Promise<number> {
  const tty = process.stdout.isTTY === true;
  const until = Date.now() + timeoutSeconds * 1000;
  let last = '';
  for (;;) {
    const m = (await api.get(`/api/v1/cluster/members/${id}`)) as MemberView;
    const left = m.drainDeadline ? Math.max(0, Math.ceil((Date.parse(m.drainDeadline) - Date.now()) / 1000)) : undefined;
    const line = `member ${id}: ${m.drainState}, ${m.activeLeases ?? 0} lease(s) held${left === undefined ? '' : `, deadline in ${left}s`}`;
    if (tty) process.stdout.write(`\r\x1b[2K${line}`);
    // Piped: the countdown alone is no news.
    else if (line.replace(/, deadline in \d+s$/, '') !== last) process.stdout.write(`${line}\n`);
    last = line.replace(/, deadline in \d+s$/, '');
    if (m.drainState === 'drained') {
      if (tty) process.stdout.write('\n');
      return 0;
    }
    if (m.drainState === 'active') {
      if (tty) process.stdout.write('\n');
      process.stderr.write(`member ${id} is active again: the drain was resumed\n`);
      return 1;
    }
    if (Date.now() >= until) {
      if (tty) process.stdout.write('\n');
      process.stderr.write(`member ${id} is still ${m.drainState} after ${timeoutSeconds}s\n`);
      return 1;
    }
    await sleep(Math.min(1000, Math.max(0, until - Date.now())));
  }
}
