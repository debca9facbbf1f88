import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export interface Runtime {
  url: string;
  /** The settings the runtime was started with (TOKEN_SECRET among them). */
  env: Record<string, string>;
  process: ChildProcess;
  /** The local Step Functions endpoint, the drain state machine's ARN and the credentials it accepts. */
  stepFunctions(): { endpoint: string; machineArn: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  /** The runtime process's own CPU time so far (process.cpuUsage() in it, asked over the IPC channel). */
  cpuUsage(): Promise<NodeJS.CpuUsage>;
  /** Everything the runtime printed so far, one entry per line. */
  logs(): string[];
  stop(): Promise<void>;
}

/**
 * Starts the real local runtime (`node <distDir>/local/start.mjs`, what `npm start` runs)
 * on an ephemeral port, supervised: it stops when this process goes away, even if
 * nobody calls stop(). Used by the tests and the benchmark. `env` overrides any setting.
 */
export async function superviseRuntime(
  distDir: string,
  env: Record<string, string> = {},
  /** Node's own flags for the runtime (`--cpu-prof`, which NODE_OPTIONS refuses, for a profile of it). */
  nodeArgs: string[] = [],
): Promise<Runtime> {
  const settings: Record<string, string> = {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: ':memory:',
    TABLE_NAME: `t-${randomBytes(6).toString('hex')}`,
    TOKEN_SECRET: randomBytes(32).toString('base64url'),
    ROSTER_STOP_ON_STDIN_EOF: '1',
    // The local Step Functions' per-start secret, chosen here so the supervisor can call it too.
    STEPFUNCTIONS_SECRET_ACCESS_KEY: randomBytes(32).toString('base64url'),
    ...env,
  };
  const child = spawn(process.execPath, [...nodeArgs, join(distDir, 'local/start.mjs')], {
    env: { ...process.env, ...settings },
    stdio: ['pipe', 'pipe', 'pipe', 'ipc'],
  });
  // The channel only answers cpuUsage(): it must not keep this process alive.
  child.channel?.unref();
  const lines: string[] = [];
  const collect = (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean));
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`runtime did not start:\n${lines.join('\n')}`)), 90_000);
    const onData = () => {
      const line = lines.find((l) => l.startsWith('Roster listening on '));
      if (line) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(line.slice('Roster listening on '.length).trim());
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`runtime exited with ${code}:\n${lines.join('\n')}`)));
  });

  return {
    url,
    env: settings,
    process: child,
    logs: () => [...lines],
    cpuUsage: () =>
      new Promise<NodeJS.CpuUsage>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the runtime did not report its CPU usage')), 5_000);
        const onMessage = (m: unknown) => {
          const usage = (m as { cpuUsage?: NodeJS.CpuUsage } | null)?.cpuUsage;
          if (!usage) return;
          clearTimeout(timer);
          child.off('message', onMessage);
          resolve(usage);
        };
        child.on('message', onMessage);
        child.send('cpu-usage');
      }),
    stepFunctions: () => {
      const line = lines.find((l) => l.startsWith('Step Functions (local) on '));
      const [, endpoint = '', machineArn = ''] = /^Step Functions \(local\) on (\S+): (\S+)$/.exec(line ?? '') ?? [];
      return {
        endpoint,
        machineArn,
        credentials: { accessKeyId: 'roster-local', secretAccessKey: settings.STEPFUNCTIONS_SECRET_ACCESS_KEY! },
      };
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
