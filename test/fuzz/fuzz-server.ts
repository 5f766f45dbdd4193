import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const FUZZ_ADMIN_KEY = 'fuzz-admin-key-0123456789abcdef';
/** WeCom settings of the server under fuzz (a made-up corp; nothing leaves loopback). */
export const FUZZ_WECOM = { token: 'fuzzToken42', corpId: 'wwfuzz0123456789ab', encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' };

export interface FuzzServer {
  port: number;
  url: string;
  child: ChildProcess;
  logPath: string;
  alive(): boolean;
  logTail(lines: number): string;
  stop(): Promise<number | null>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/**
 * `kefu serve` in its own process, as an operator starts it: embedded defaults, no model
 * (retrieval answers keep each turn fast), WeCom on, a fresh data dir. The rate limit is raised
 * on purpose: every fuzz request comes from one address, and at the default 60 per minute the
 * run would measure the limiter, not the routes behind it.
 */
export async function startFuzzServer(extraEnv: Record<string, string> = {}): Promise<FuzzServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kefu-fuzz-'));
  // Generated keys (vault, session secret) go under XDG_CONFIG_HOME, outside the data dir: a
  // throwaway one, so a run leaves nothing in the home directory.
  const configHome = mkdtempSync(path.join(tmpdir(), 'kefu-fuzz-config-'));
  const logPath = path.join(dataDir, 'server.log');
  const port = await freePort();
  const log = createWriteStream(logPath);
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/kefu.js'), 'serve'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? dataDir,
      XDG_CONFIG_HOME: configHome,
      PORT: String(port),
      HOST: '127.0.0.1',
      KEFU_DATA_DIR: dataDir,
      // Its generated keys go with its temp data dir, not into ~/.config/kefu.
      KEFU_KEY_DIR: path.join(dataDir, 'keys'),
      KEFU_LLM: 'none',
      KEFU_ADMIN_KEY: FUZZ_ADMIN_KEY,
      KEFU_LOG_LEVEL: process.env.FUZZ_LOG_LEVEL ?? 'warn',
      KEFU_BUSINESS_HOURS: 'always',
      KEFU_RATE_LIMIT_PER_MINUTE: '1000000',
      KEFU_WECOM_TOKEN: FUZZ_WECOM.token,
      KEFU_WECOM_AES_KEY: FUZZ_WECOM.encodingAesKey,
      KEFU_WECOM_CORP_ID: FUZZ_WECOM.corpId,
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const url = `http://127.0.0.1:${port}`;
  const alive = () => child.exitCode === null && child.signalCode === null;
  const logTail = (lines: number) => {
    try {
      return readFileSync(logPath, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  };
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (!alive()) throw new Error(`kefu serve exited with ${child.exitCode ?? child.signalCode} before answering /healthz:\n${logTail(40)}`);
    try {
      if ((await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) })).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`kefu serve did not answer /healthz in 120 s:\n${logTail(40)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    port,
    url,
    child,
    logPath,
    alive,
    logTail,
    async stop() {
      if (alive()) {
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      log.end();
      const code = child.exitCode;
      if (process.env.FUZZ_KEEP_DATA !== '1') {
        rmSync(dataDir, { recursive: true, force: true });
        rmSync(configHome, { recursive: true, force: true });
      }
      return code;
    },
  };
}
