import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { freePort } from '../support/free-port.ts';
import { childrenOf } from '../support/start-kefu-workers.ts';
import { ADMIN_KEY } from '../support/start-test-server.ts';

/**
 * `kefu serve --workers 2` answers as soon as its first worker listens, while the second is still
 * starting (seconds on 2 cores). A worker killed in that window must be replaced like any other:
 * the primary supervises its workers from the first one's start on, not from the last one's.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(path.join(tmpdir(), 'kefu-workers-start-'));
let primary: ChildProcess | undefined;

afterAll(async () => {
  if (primary !== undefined && primary.exitCode === null && primary.signalCode === null) {
    const exited = new Promise((r) => primary!.once('exit', r));
    primary.kill('SIGTERM');
    const timer = setTimeout(() => primary!.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(dataDir, { recursive: true, force: true });
});

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot. */
function startedAt(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
}

it('replaces a worker killed while the other is still starting, and finishes starting', async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  primary = spawn(process.execPath, [path.join(ROOT, 'bin/kefu.js'), 'serve', '--workers', '2'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', KEFU_DATA_DIR: dataDir, KEFU_ADMIN_KEY: ADMIN_KEY, KEFU_LOG_LEVEL: 'warn', KEFU_LLM: 'none', KEFU_BUSINESS_HOURS: 'always' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  primary.stdout?.setEncoding('utf8').on('data', (c: string) => (output += c));
  primary.stderr?.setEncoding('utf8').on('data', (c: string) => (output += c));
  const alive = () => primary!.exitCode === null && primary!.signalCode === null;

  const readyBy = Date.now() + 90_000;
  while ((await fetch(`${url}/readyz`).catch(() => null))?.ok !== true) {
    if (!alive() || Date.now() > readyBy) throw new Error(`the first worker never answered on ${url}:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  // Only the first worker listens yet; it is the oldest child (the primary forks the second once it listens).
  const first = childrenOf(primary.pid!).sort((a, b) => startedAt(a) - startedAt(b))[0]!;
  process.kill(first, 'SIGKILL');
  // The window this test is about: the primary has not finished starting when the worker dies.
  expect(output).not.toMatch(/Kefu is listening/);

  const until = Date.now() + 90_000;
  const done = () => {
    const pids = childrenOf(primary!.pid!);
    return pids.length === 2 && !pids.includes(first) && /worker died; starting a new one/.test(output) && /Kefu is listening on .*2 workers/.test(output);
  };
  while (!done()) {
    if (!alive()) throw new Error(`the primary exited (${primary.exitCode ?? primary.signalCode}):\n${output}`);
    if (Date.now() > until) throw new Error(`no replacement for worker ${first} within 90 s (workers now: ${childrenOf(primary.pid!).join(',')}):\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  expect((await fetch(`${url}/readyz`)).ok).toBe(true);
}, 200_000);
