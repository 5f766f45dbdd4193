import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/load-config.ts';
import { loadDialogueScripts } from '../src/dialogue/scripts/dialogue-script.ts';
import { startServer } from '../src/server/start-server.ts';

const SCRIPTS = fileURLToPath(new URL('../test/dialogues', import.meta.url));
const DEMO_NOW = Date.parse('2026-11-24T10:00:00+08:00');
const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const round = (n: number): number => Math.round(n * 100) / 100;

export interface DialogueBench {
  rounds: number;
  flow: { n: number; p50Ms: number; p99Ms: number };
  other: { n: number; p50Ms: number; p99Ms: number };
}

/**
 * Latency of dialogue turns over HTTP (KEFU_LLM=none, built-in demo order system): the shipped
 * scripts played `rounds` times, each round on a fresh data dir so writes start from the seed.
 * Turns handled by a flow (NLU, order lookups, state) are reported apart from the others.
 */
export async function benchDialogueTurns(rounds = 5): Promise<DialogueBench> {
  const scripts = loadDialogueScripts([SCRIPTS]);
  const flow: number[] = [];
  const other: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const dir = mkdtempSync(path.join(tmpdir(), 'kefu-bench-dialogue-'));
    const server = await startServer(loadConfig({ PORT: '0', KEFU_DATA_DIR: dir, KEFU_KEY_DIR: path.join(dir, 'keys'), KEFU_LLM: 'none', KEFU_LOG_LEVEL: 'silent', KEFU_ADMIN_KEY: 'bench-admin-key-0123456789', KEFU_RATE_LIMIT_PER_MINUTE: '10000000' }), { now: () => DEMO_NOW });
    try {
      for (const script of scripts) {
        let sid: string | undefined;
        let token: string | undefined;
        for (const turn of script.turns) {
          const t = performance.now();
          const res = await fetch(`${server.url}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: turn.user, ...(sid ? { session_id: sid, session_token: token } : {}), ...(script.user_id ? { user_id: script.user_id } : {}) }) });
          const body = (await res.json()) as { session_id: string; session_token?: string; flow?: { name: string } };
          const ms = performance.now() - t;
          sid = body.session_id;
          token = body.session_token ?? token;
          // The first round warms caches (n-gram model, prepared statements).
          if (r > 0) (body.flow !== undefined ? flow : other).push(ms);
        }
      }
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const stat = (xs: number[]) => {
    xs.sort((a, b) => a - b);
    return { n: xs.length, p50Ms: round(percentile(xs, 50)), p99Ms: round(percentile(xs, 99)) };
  };
  return { rounds, flow: stat(flow), other: stat(other) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchDialogueTurns(), null, 2));
}
