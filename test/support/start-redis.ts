import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './free-port.ts';

export interface TestRedis {
  url: string;
  /** Kills the server and starts it again on the same port and dir; null with KEFU_TEST_REDIS_URL. */
  restart: (() => Promise<void>) | null;
  /** Stops the server and deletes its dir (leaves an external KEFU_TEST_REDIS_URL server alone). */
  stop(): Promise<void>;
}

const REDIS_SERVER = process.env.KEFU_REDIS_SERVER ?? '/usr/bin/redis-server';

/**
 * A throwaway loopback redis-server on a free port, or the server named by KEFU_TEST_REDIS_URL
 * (then `restart` is null, and restart tests skip). `persistent` turns on the append-only file in
 * the temp dir, so data survives `restart()`.
 */
export async function startRedis(options: { persistent?: boolean } = {}): Promise<TestRedis> {
  const external = process.env.KEFU_TEST_REDIS_URL;
  if (external) return { url: external, restart: null, stop: async () => {} };

  const dir = mkdtempSync(path.join(tmpdir(), 'kefu-redis-'));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, '--daemonize', 'no'];
  args.push('--appendonly', options.persistent ? 'yes' : 'no');
  if (options.persistent) args.push('--appendfsync', 'always');
  let proc = await launch(args, port);

  const kill = async (): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGKILL');
    await exited;
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    restart: async () => {
      await kill();
      proc = await launch(args, port);
    },
    stop: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function launch(args: string[], port: number): Promise<ChildProcess> {
  // Spawning a missing binary would surface as an unhandled 'error' event, not as this test's failure.
  if (!existsSync(REDIS_SERVER)) throw new Error(`redis-server not found at ${REDIS_SERVER} (Debian package redis-server; KEFU_REDIS_SERVER names another)`);
  const proc = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`redis-server exited with ${proc.exitCode}: ${stderr}`);
    if (await ping(port)) return proc;
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`redis-server did not answer PING on port ${port} within 10 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}
