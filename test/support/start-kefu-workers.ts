import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADMIN_KEY } from './start-test-server.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** `node bin/kefu.js serve --workers N` in its own process, as an operator starts it. */
export interface KefuWorkers {
  url: string;
  port: number;
  dataDir: string;
  primary: ChildProcess;
  /** What the primary and its workers wrote so far, stdout (the JSON log, KEFU_LOG_LEVEL=warn) and stderr. */
  output(): string;
  /** The worker processes' pids now (children of the primary). */
  workerPids(): number[];
  /** The pid of the process that holds the server side of a loopback connection from `clientPort`. */
  ownerOf(clientPort: number): number | null;
  /** SIGTERM, then waits for the primary's exit; the data dir is kept (see `destroy`). */
  stop(): Promise<number | null>;
  destroy(): Promise<void>;
}

export async function startKefuWorkers(workers: number, env: Record<string, string> = {}): Promise<KefuWorkers> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kefu-workers-'));
  const primary = spawn(process.execPath, [path.join(ROOT, 'bin/kefu.js'), 'serve', '--workers', String(workers)], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', KEFU_DATA_DIR: dataDir, KEFU_ADMIN_KEY: ADMIN_KEY, KEFU_LOG_LEVEL: 'warn', KEFU_BUSINESS_HOURS: 'always', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  primary.stderr?.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  primary.stdout?.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<number | null>((resolve) => primary.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kefu serve --workers ${workers} did not listen within 90 s:\n${stderr}`)), 90_000);
    const check = () => {
      const m = /Kefu is listening on (http:\/\/\S+)/.exec(stderr);
      if (m !== null) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    primary.stderr?.on('data', check);
    void exited.then((code) => reject(new Error(`kefu serve exited (${code}) before listening:\n${stderr}`)));
  });
  const stop = async () => {
    if (primary.exitCode === null && primary.signalCode === null) primary.kill('SIGTERM');
    return exited;
  };
  return {
    url,
    port: Number(new URL(url).port),
    dataDir,
    primary,
    output: () => stderr,
    workerPids: () => childrenOf(primary.pid!),
    ownerOf: (clientPort) => socketOwner(Number(new URL(url).port), clientPort, childrenOf(primary.pid!)),
    stop,
    async destroy() {
      const timer = setTimeout(() => primary.kill('SIGKILL'), 15_000);
      await stop();
      clearTimeout(timer);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The Kefu processes whose parent is `pid` (a primary's workers). */
export function childrenOf(pid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/<pid>/stat is the parent pid; the command name (2) is in parentheses.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      // Only Kefu processes: tsx may run an esbuild service as a child too.
      if (ppid === pid && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('bin/kefu.js')) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** Reads /proc/net/tcp for the server-side socket of the connection, then finds which pid has it open. */
function socketOwner(serverPort: number, clientPort: number, pids: readonly number[]): number | null {
  const hex = (p: number) => p.toString(16).toUpperCase().padStart(4, '0');
  let inode: string | null = null;
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 10) continue;
    if (cols[1]!.endsWith(`:${hex(serverPort)}`) && cols[2]!.endsWith(`:${hex(clientPort)}`)) inode = cols[9]!;
  }
  if (inode === null) return null;
  for (const pid of pids) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`) return pid;
      }
    } catch {
      // gone
    }
  }
  return null;
}
