import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { round } from './common.ts';

/**
 * Servers under test as their own processes, their CPU time read from /proc (every thread, and
 * every live child process such as a cluster worker), and autocannon as the load.
 */
export interface ServerProcess {
  url: string;
  pid: number;
  close(): Promise<void>;
}

/** Runs `node --import tsx <file> ...args` and waits for its stdout line `{"url": ...}`. */
export async function spawnServer(file: string, args: string[], env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  // A benchmark that fails or is interrupted must not leave servers running.
  const kill = (): void => void child.kill('SIGTERM');
  process.once('exit', kill);
  child.once('exit', () => process.off('exit', kill));
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
    // Log lines (pino JSON) may come first; they and the rest are read and dropped.
    lines.on('line', (l) => {
      if (!l.startsWith('{"url":')) return;
      resolve((JSON.parse(l) as { url: string }).url);
    });
  });
  child.removeAllListeners('exit');
  return {
    url,
    pid: child.pid ?? -1,
    close: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

/** Clock ticks per second of /proc's utime and stime (USER_HZ: 100 on Linux). */
const TICKS_PER_S = 100;

interface Stat { ppid: number; cpuMs: number }

function stat(pid: number): Stat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: fields are counted after its closing bracket.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_S };
  } catch {
    return null;
  }
}

/** User + system CPU ms of a process and all its live descendants. */
export function treeCpuMs(root: number): number {
  const all = new Map<number, Stat>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = stat(Number(name));
    if (s !== null) all.set(Number(name), s);
  }
  const inTree = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, s] of all) if (!inTree.has(pid) && inTree.has(s.ppid)) { inTree.add(pid); grew = true; }
  }
  let ms = 0;
  for (const pid of inTree) ms += all.get(pid)?.cpuMs ?? 0;
  return ms;
}

export interface Cannon { rps: number; requests: number; p50Ms: number; p99Ms: number; errors: number; non2xx: number }

const AUTOCANNON = fileURLToPath(new URL('../../node_modules/.bin/autocannon', import.meta.url));

/** autocannon in its own process, so it does not share the server's event loop. */
export function autocannon(url: string, connections: number, seconds: number, extra: string[] = []): Promise<Cannon> {
  return new Promise((resolve, reject) => {
    const child = spawn(AUTOCANNON, ['-j', '-c', String(connections), '-d', String(seconds), ...extra, url], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('exit', () => {
      try {
        const r = JSON.parse(out) as { requests: { average: number; total: number }; latency: { p50: number; p99: number }; errors: number; non2xx: number };
        resolve({ rps: round(r.requests.average), requests: r.requests.total, p50Ms: r.latency.p50, p99Ms: r.latency.p99, errors: r.errors, non2xx: r.non2xx });
      } catch (e) {
        reject(new Error(`autocannon output: ${out.slice(0, 200)}`, { cause: e }));
      }
    });
  });
}

/** autocannon arguments for a JSON POST. */
export const postJson = (body: unknown): string[] => ['-m', 'POST', '-H', 'content-type=application/json', '-b', JSON.stringify(body)];
