import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { client } from '../support/http';
import { startRuntime } from '../support/runtime';

/** Pids of DynamoDB Local JVMs whose data lives under `dir`. */
function jvmsUsing(dir: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', `^java .*DynamoDBLocal.jar.*${dir}`])
      .toString()
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

async function gone(dir: string, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (jvmsUsing(dir).length === 0) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return jvmsUsing(dir).length === 0;
}

const dirs: string[] = [];
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-life-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

// These runtimes start their own DynamoDB Local, as `npm start` does.
const own = (dir: string) => startRuntime({ DYNAMODB_ENDPOINT: '', DATA_DIR: dir, TABLE_NAME: 'roster' });

describe('the embedded DynamoDB Local', () => {
  it('keeps data across a clean stop and start (SIGTERM)', async () => {
    const dir = dataDir();
    const first = await own(dir);
    const id = (await client(first.url).get('/api/v1/status')).body.result.cluster.clusterId;
    expect(jvmsUsing(dir)).toHaveLength(1);
    await first.stop();
    expect(await gone(dir, 5_000)).toBe(true);

    const second = await own(dir);
    try {
      const again = (await client(second.url).get('/api/v1/status')).body.result.cluster.clusterId;
      expect(again).toBe(id);
    } finally {
      await second.stop();
    }
  });

  it('stops the JVM within 5 s of Ctrl-C (SIGINT)', async () => {
    const dir = dataDir();
    const rt = await own(dir);
    rt.process.kill('SIGINT');
    expect(await gone(dir, 5_000)).toBe(true);
    await rt.stop();
  });

  it('never lets the JVM outlive a SIGKILLed server', async () => {
    const dir = dataDir();
    const rt = await own(dir);
    expect(jvmsUsing(dir)).toHaveLength(1);
    rt.process.kill('SIGKILL');
    expect(await gone(dir, 5_000)).toBe(true);
  });
});
