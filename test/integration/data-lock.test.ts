import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from '../support/http';
import { startRuntime, type Runtime } from '../support/runtime';

const dirs: string[] = [];
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-lock-'));
  dirs.push(dir);
  return dir;
};

let first: Runtime;
let firstDir: string;
beforeAll(async () => {
  firstDir = dataDir();
  first = await startRuntime({ DATA_DIR: firstDir });
});
afterAll(async () => {
  await first?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A start that must fail: its exit and everything it printed. */
const refused = async (env: Record<string, string>) => {
  const err = await startRuntime(env).then(
    async (rt) => {
      await rt.stop();
      throw new Error('the second server started');
    },
    (e: Error) => e,
  );
  return err.message;
};

describe('one server per data directory', () => {
  it('holds a lock with its pid in DATA_DIR while it runs', () => {
    expect(readFileSync(join(firstDir, 'lock'), 'utf8').trim()).toBe(String(first.process.pid));
  });

  it('refuses a second server on the same data directory, says why, and starts nothing', async () => {
    // No DYNAMODB_ENDPOINT: a start that went on would launch its own DynamoDB Local on the same data.
    const out = await refused({ DATA_DIR: firstDir, DYNAMODB_ENDPOINT: '' });
    expect(out).toMatch(/runtime exited with 1/);
    expect(out).toContain(`in use by another Roster server (pid ${first.process.pid}`);
    expect(out).not.toMatch(/DynamoDB Local on|^table /m);
    expect(readFileSync(join(firstDir, 'lock'), 'utf8').trim()).toBe(String(first.process.pid));
    expect((await client(first.url).get('/api/v1/health')).status).toBe(200);
  });

  it('refuses a taken port before it starts or writes anything', async () => {
    const dir = dataDir();
    const out = await refused({ DATA_DIR: dir, DYNAMODB_ENDPOINT: '', PORT: new URL(first.url).port });
    expect(out).toMatch(/runtime exited with 1/);
    expect(out).toMatch(/127\.0\.0\.1:\d+ is already in use/);
    expect(out).not.toMatch(/DynamoDB Local on|^table /m);
    expect(existsSync(join(dir, 'dynamodb'))).toBe(false);
    expect(existsSync(join(dir, 'token-secret'))).toBe(false);
    expect(existsSync(join(dir, 'lock'))).toBe(false);
    expect((await client(first.url).get('/api/v1/health')).status).toBe(200);
  });

  it('takes over a lock left by a server killed with -9, and releases it on a clean stop', async () => {
    const dir = dataDir();
    const killed = await startRuntime({ DATA_DIR: dir });
    const exited = new Promise((resolve) => killed.process.once('exit', resolve));
    killed.process.kill('SIGKILL');
    await exited;
    expect(readFileSync(join(dir, 'lock'), 'utf8').trim()).toBe(String(killed.process.pid));

    const next = await startRuntime({ DATA_DIR: dir });
    try {
      expect((await client(next.url).get('/api/v1/health')).status).toBe(200);
      expect(readFileSync(join(dir, 'lock'), 'utf8').trim()).toBe(String(next.process.pid));
    } finally {
      await next.stop();
    }
    expect(existsSync(join(dir, 'lock'))).toBe(false);
  });
});
