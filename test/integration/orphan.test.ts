import { describe, expect, it } from 'vitest';
import { startRuntime } from '../support/runtime';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('a supervised runtime', () => {
  it('stops when its supervisor closes its stdin, as when a test process dies without stopping it', async () => {
    const rt = await startRuntime();
    expect(alive(rt.process.pid!)).toBe(true);
    rt.process.stdin!.end();
    const deadline = Date.now() + 5_000;
    while (alive(rt.process.pid!) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(alive(rt.process.pid!)).toBe(false);
  });

  it('keeps running with stdin closed when it is not supervised (npm start under a process manager)', async () => {
    const rt = await startRuntime({ ROSTER_STOP_ON_STDIN_EOF: '' });
    try {
      rt.process.stdin!.end();
      await new Promise((r) => setTimeout(r, 500));
      const res = await fetch(`${rt.url}/api/v1/health`);
      expect(res.status).toBe(200);
    } finally {
      await rt.stop();
    }
  });
});
