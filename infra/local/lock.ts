import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** Why the runtime refuses to start: printed as is, and the process exits 1. */
export class StartRefused extends Error {}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, but another user's
  }
};

/**
 * Takes `<dir>/lock` for this process: one server per data directory. The file holds the
 * holder's pid; a lock whose process is gone (killed, even with -9) is stale and taken over.
 * Returns the release, which removes the file only while it is still ours.
 */
export function lockDataDir(dir: string): () => void {
  const file = join(dir, 'lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return () => {
        try {
          if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let holder = NaN;
    try {
      holder = Number.parseInt(readFileSync(file, 'utf8'), 10);
    } catch {
      continue; // released between our two calls: try again
    }
    if (Number.isSafeInteger(holder) && holder > 0 && alive(holder)) {
      throw new StartRefused(
        `${dir} is in use by another Roster server (pid ${holder}; lock file ${file}).\n` +
          `Stop that server, or give this one its own DATA_DIR. If pid ${holder} is not Roster, delete the lock file.`,
      );
    }
    try {
      // Stale: its holder is gone. Read again just before removing, so a start that took it over meanwhile keeps it.
      if (Number.parseInt(readFileSync(file, 'utf8'), 10) === holder) unlinkSync(file);
    } catch {
      // another start took it over, or released it, first: the next attempt sees which
    }
  }
  throw new StartRefused(`could not take the lock ${file}: another start is taking it at the same moment`);
}

/** Refuses early when HOST:PORT cannot be bound, before anything is started or written. */
export async function checkPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new StartRefused(
          err.code === 'EADDRINUSE'
            ? `${host}:${port} is already in use (another Roster server?). Stop it, or set PORT to a free port.`
            : `cannot listen on ${host}:${port}: ${err.message}`,
        ),
      ),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}
