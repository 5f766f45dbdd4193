import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/load-config.ts';
import { startServer, type RunningServer } from '../../src/server/start-server.ts';

export const KB_QUESTIONS = ['你们的退货政策是什么?', 'How long does shipping take?', '怎么开发票?', '退款多久到账', 'Do you offer price protection?', '空气净化器怎么安装'];

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}

export const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;

export function summarise(values: readonly number[]): { n: number; p50: number; p99: number; mean: number } {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, p50: round(percentile(s, 50)), p99: round(percentile(s, 99)), mean: round(s.reduce((a, b) => a + b, 0) / Math.max(1, s.length)) };
}

export const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' / ');

export interface BenchServer extends RunningServer {
  destroy(): Promise<void>;
}

/** A Kefu server on a random loopback port with its own data dir and these env overrides. */
export async function startKefu(env: Record<string, string>): Promise<BenchServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kefu-scale-'));
  const server = await startServer(
    loadConfig({ PORT: '0', HOST: '127.0.0.1', KEFU_DATA_DIR: dir, KEFU_KEY_DIR: path.join(dir, 'keys'), KEFU_LLM: 'none', KEFU_LOG_LEVEL: 'silent', KEFU_ADMIN_KEY: 'bench-admin-key-0123456789', KEFU_RATE_LIMIT_PER_MINUTE: '100000000', ...env }),
  );
  return {
    ...server,
    async destroy() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const isMain = (url: string): boolean => process.argv[1] !== undefined && url === new URL(`file://${process.argv[1]}`).href;
