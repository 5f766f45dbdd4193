import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.ts';
import { ADMIN_KEY } from './start-test-server.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const KEFU_BIN = path.join(ROOT, 'bin/kefu.js');

/** One `node bin/kefu.js serve` process on a loopback port, with its own data dir. */
export interface KefuNodeProcess {
  url: string;
  dataDir: string;
  proc: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * Starts a real node process as an operator would (KEFU_LOG_LEVEL=warn, the admin key of the test
 * servers) and waits for /readyz; a node that exits or is not ready in 120 s (a loaded 2-core
 * machine) rejects with its stderr.
 */
export async function startKefuNode(dataDir: string, env: Record<string, string>): Promise<KefuNodeProcess> {
  mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  const proc = spawn(process.execPath, [KEFU_BIN, 'serve'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', KEFU_DATA_DIR: dataDir, KEFU_ADMIN_KEY: ADMIN_KEY, KEFU_LOG_LEVEL: 'warn', KEFU_BUSINESS_HOURS: 'always', KEFU_RATE_LIMIT_PER_MINUTE: '100000', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr?.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const node: KefuNodeProcess = { url: `http://127.0.0.1:${port}`, dataDir, proc, stderr: () => stderr, stop: () => stopProcess(proc) };
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`kefu node exited (${proc.exitCode ?? proc.signalCode}): ${stderr}`);
    if ((await fetch(`${node.url}/readyz`).catch(() => null))?.ok === true) return node;
    if (Date.now() > deadline) {
      await node.stop();
      throw new Error(`kefu node not ready on ${node.url} within 120 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
