import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { round } from './common.ts';
import type { Cannon } from './processes.ts';

const SCRIPT = fileURLToPath(new URL('./wrk-post.lua', import.meta.url));
const MISSING = 'wrk is not installed: apt-get install wrk (the .ci/run script installs it)';

/**
 * Debian's `wrk` (C, epoll) POSTing `body` as JSON over `connections` keep-alive connections for
 * `seconds`, on one thread. The workers benchmark uses it rather than autocannon because the load
 * generator shares this machine's two cores with the server: autocannon took 0.06 ms of CPU per
 * reply (0.27-0.31 cores at 50 connections), wrk takes 0.02 ms (about 0.1 core), and a second
 * worker can only use what the load generator leaves (docs/decisions.md).
 */
export function wrkPost(url: string, body: unknown, connections: number, seconds: number): { child: ReturnType<typeof spawn>; result: Promise<Cannon> } {
  const child = spawn('wrk', ['-t', '1', '-c', String(connections), '-d', `${seconds}s`, '--timeout', '10s', '-s', SCRIPT, url], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WRK_BODY: JSON.stringify(body) },
  });
  const result = new Promise<Cannon>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' ? new Error(MISSING) : e));
    child.on('exit', (code) => {
      const line = out.split('\n').reverse().find((l) => l.startsWith('{'));
      if (code !== 0 || line === undefined) return reject(new Error(`wrk exited with ${code}: ${(err || out).slice(0, 300)}`));
      const r = JSON.parse(line) as { requests: number; durationUs: number; p50Us: number; p99Us: number; socketErrors: number; non2xx: number };
      resolve({ rps: round(r.requests / (r.durationUs / 1e6)), requests: r.requests, p50Ms: round(r.p50Us / 1000), p99Ms: round(r.p99Us / 1000), errors: r.socketErrors, non2xx: r.non2xx });
    });
  });
  return { child, result };
}

/** Fails early, with the fix, when wrk is missing. */
export function requireWrk(): void {
  if (spawnSync('wrk', ['-v']).error !== undefined) throw new Error(MISSING);
}
