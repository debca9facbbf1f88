import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** What `rosterctl login` keeps: where Roster is and how to speak to it. */
export interface Context {
  url: string;
  email?: string;
  /** An access token from a login (short-lived; renewed with `session`). */
  accessToken?: string;
  /** The `roster_session` cookie's value, which renews the access token. */
  session?: string;
  /** A long-lived API token given to `login --api-token`. */
  apiToken?: string;
}

export const configFile = (): string => join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'roster', 'config.json');

export async function readContext(): Promise<Context | undefined> {
  try {
    return JSON.parse(await readFile(configFile(), 'utf8')) as Context;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Written atomically and readable by this user only: it holds credentials. */
export async function writeContext(context: Context): Promise<void> {
  const file = configFile();
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(context, null, 2)}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, file);
}

export const removeContext = (): Promise<void> => rm(configFile(), { force: true });
