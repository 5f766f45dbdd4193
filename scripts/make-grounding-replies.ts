/**
 * Real replies for the grounding check's labelled set: asks the demo KB's own questions (each
 * document's title, both languages), the fresh fallback questions and the cache replay's
 * paraphrases (eval/cache/replay.jsonl) through the HTTP API of a
 * server running the shipped embedded model (KEFU_LLM=embedded, cache off), and writes what the
 * customer was shown with its sources to eval/grounding/real-replies.jsonl. Slow on a busy
 * machine: `--limit N` (default 100).
 *
 *   npx tsx scripts/make-grounding-replies.ts [--limit 100]
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config/load-config.ts';
import { loadKbFiles } from '../src/knowledge/load-kb-files.ts';
import { startServer } from '../src/server/start-server.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const limitArg = process.argv.indexOf('--limit');
const limit = limitArg > 0 ? Number(process.argv[limitArg + 1]) : 100;

const { documents } = await loadKbFiles([path.join(ROOT, 'kb/demo-shop')]);
const fresh = readFileSync(path.join(ROOT, 'eval/fallback/fresh-2026-12-06.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => (JSON.parse(l) as { question: string }).question);
// Interleave so that a short run still covers both languages and both sources of questions.
const titles = documents.map((d) => d.title);
const paraphrases = [
  ...new Set(
    readFileSync(path.join(ROOT, 'eval/cache/replay.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as { text: string; answer_key: string | null; kind?: string })
      .filter((l) => l.answer_key !== null && l.kind === 'paraphrase').map((l) => l.text),
  ),
];
const questions: string[] = [];
for (let i = 0; questions.length < limit && (i < titles.length || i < fresh.length || i < paraphrases.length); i++) {
  for (const list of [titles, fresh, paraphrases]) if (i < list.length && questions.length < limit) questions.push(list[i]!);
}

const dir = mkdtempSync(path.join(tmpdir(), 'kefu-grounding-'));
const server = await startServer(loadConfig({ PORT: '0', HOST: '127.0.0.1', KEFU_DATA_DIR: dir, KEFU_LLM: 'embedded', KEFU_ADMIN_KEY: 'eval-admin-key-0123456789', KEFU_LOG_LEVEL: 'silent', KEFU_BUSINESS_HOURS: 'always', KEFU_CACHE: 'off', KEFU_RATE_LIMIT_PER_MINUTE: '100000' }));
const file = path.join(ROOT, 'eval/grounding/real-replies.jsonl');
// Written as it goes: a run cut short keeps what it asked.
writeFileSync(file, '');
let kept = 0;
try {
  for (const question of questions) {
    const res = await fetch(`${server.url}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: question }) });
    const r = (await res.json()) as { reply: string; sources?: { id: string; score: number }[]; model?: string; flow?: unknown; handoff?: boolean };
    if (!res.ok || r.flow != null || r.handoff === true || (r.sources ?? []).length === 0) continue;
    appendFileSync(file, `${JSON.stringify({ question, reply: r.reply, sources: (r.sources ?? []).map((s) => ({ id: s.id, score: s.score })), model: r.model })}\n`);
    kept++;
    process.stderr.write('.');
  }
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log(`\n${kept} knowledge replies of ${questions.length} questions → eval/grounding/real-replies.jsonl`);
