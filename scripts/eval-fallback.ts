/**
 * Asks eval/fallback/*.jsonl through the HTTP API of a real server in retrieval-only mode
 * (KEFU_LLM=none, demo KB) and reports how many replies hold the line's key fact, how long they
 * are, and how many are cited, still quote a title ("关于「…」", "About \"…\"") or were taken by a
 * flow or a handoff instead.
 *
 *   npx tsx scripts/eval-fallback.ts [file.jsonl] [--json]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config/load-config.ts';
import { startServer } from '../src/server/start-server.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

interface Line {
  question: string;
  lang: 'zh' | 'en';
  key_fact: string;
}

export interface FallbackScore {
  questions: number;
  keyFact: number;
  cited: number;
  titled: number;
  other: number;
  medianChars: number;
  meanChars: number;
  misses: { question: string; reply: string }[];
}

/** Dashes and spaces differ between how a fact is written and how a sentence carries it. */
const fold = (s: string): string => s.normalize('NFKC').replace(/[–—-]/g, '-').replace(/\s+/g, ' ').toLowerCase();

export async function scoreFallback(lines: readonly Line[]): Promise<FallbackScore> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kefu-eval-fallback-'));
  const server = await startServer(
    loadConfig({ PORT: '0', HOST: '127.0.0.1', KEFU_DATA_DIR: dir, KEFU_LLM: 'none', KEFU_ADMIN_KEY: 'eval-admin-key-0123456789', KEFU_LOG_LEVEL: 'silent', KEFU_BUSINESS_HOURS: 'always', KEFU_CACHE: 'off', KEFU_RATE_LIMIT_PER_MINUTE: '100000' }),
  );
  try {
    const lengths: number[] = [];
    const score: FallbackScore = { questions: lines.length, keyFact: 0, cited: 0, titled: 0, other: 0, medianChars: 0, meanChars: 0, misses: [] };
    for (const line of lines) {
      const res = await fetch(`${server.url}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: line.question }) });
      const body = (await res.json()) as { reply: string; sources?: unknown[]; flow?: unknown; handoff?: boolean };
      const reply = body.reply;
      lengths.push(Array.from(reply).length);
      if (fold(reply).includes(fold(line.key_fact))) score.keyFact++;
      else score.misses.push({ question: line.question, reply });
      if (/\[\d+\]/.test(reply)) score.cited++;
      if (/^(?:关于「|About ")/.test(reply)) score.titled++;
      if (body.flow != null || body.handoff === true) score.other++;
    }
    lengths.sort((a, b) => a - b);
    score.medianChars = lengths[Math.floor(lengths.length / 2)] ?? 0;
    score.meanChars = Math.round(lengths.reduce((a, b) => a + b, 0) / Math.max(1, lengths.length));
    return score;
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.filename === process.argv[1]) {
  const file = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? path.join(ROOT, 'eval/fallback/fresh-2026-12-06.jsonl');
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Line);
  const s = await scoreFallback(lines);
  if (process.argv.includes('--json')) console.log(JSON.stringify(s, null, 2));
  else {
    console.log(`${path.relative(ROOT, file)}: ${s.questions} questions, key fact in ${s.keyFact} (${((100 * s.keyFact) / s.questions).toFixed(1)} %), cited ${s.cited}, title-prefixed ${s.titled}, taken by a flow/handoff ${s.other}; reply length median ${s.medianChars} chars, mean ${s.meanChars}`);
    for (const m of s.misses) console.log(`  miss: ${m.question} → ${m.reply.replace(/\n/g, ' ⏎ ')}`);
  }
}
