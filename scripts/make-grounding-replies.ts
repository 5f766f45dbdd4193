/**
 * Real replies for the grounding check's labelled set: asks the demo KB's own questions (each
 * document's title, both languages), the fresh fallback questions and the cache replay's
 * paraphrases (eval/cache/replay.jsonl) through the HTTP API of a
 * server running the shipped embedded model (KEFU_LLM=embedded, cache off), and writes what the
 * customer was shown with its sources to eval/grounding/real-replies.jsonl. Slow on a busy
 * machine: `--limit N` (default 100).
 *
 * `--second`: the second batch (eval/grounding/real-replies-2.jsonl), made after the grounding
 * gate: paraphrases the first batch did not ask, over SSE, keeping the reply as it streamed before
 * the gate withdrew it (what a customer was shown before the gate), with the shown one beside it.
 *
 *   npx tsx scripts/make-grounding-replies.ts [--limit 100] [--second]
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createParser } from 'eventsource-parser';
import { loadConfig } from '../src/config/load-config.ts';
import { loadKbFiles } from '../src/knowledge/load-kb-files.ts';
import { startServer } from '../src/server/start-server.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

interface Reply {
  reply: string;
  sources?: { id: string; score: number }[];
  model?: string;
  flow?: unknown;
  handoff?: boolean;
}
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
const second = process.argv.includes('--second');
const questions: string[] = [];
if (second) {
  const asked = new Set(readFileSync(path.join(ROOT, 'eval/grounding/real-replies.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => (JSON.parse(l) as { question: string }).question));
  questions.push(...paraphrases.filter((q) => !asked.has(q)).slice(0, limit));
}
for (let i = 0; !second && questions.length < limit && (i < titles.length || i < fresh.length || i < paraphrases.length); i++) {
  for (const list of [titles, fresh, paraphrases]) if (i < list.length && questions.length < limit) questions.push(list[i]!);
}

const dir = mkdtempSync(path.join(tmpdir(), 'kefu-grounding-'));
const server = await startServer(loadConfig({ PORT: '0', HOST: '127.0.0.1', KEFU_DATA_DIR: dir, KEFU_LLM: 'embedded', KEFU_ADMIN_KEY: 'eval-admin-key-0123456789', KEFU_LOG_LEVEL: 'silent', KEFU_BUSINESS_HOURS: 'always', KEFU_CACHE: 'off', KEFU_RATE_LIMIT_PER_MINUTE: '100000' }));
const file = path.join(ROOT, second ? 'eval/grounding/real-replies-2.jsonl' : 'eval/grounding/real-replies.jsonl');

/** The reply as it streamed before the gate withdrew it, and the one shown after (equal when nothing was withdrawn). */
async function askStreamed(url: string, message: string): Promise<{ ok: boolean; streamed: string; r: Reply }> {
  const res = await fetch(`${url}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' }, body: JSON.stringify({ message, stream: true }) });
  let streamed = '';
  let r: Reply = { reply: '' };
  const parser = createParser({
    onEvent: (e) => {
      if (e.event === 'delta') streamed += (JSON.parse(e.data) as { text: string }).text;
      if (e.event === 'done') r = JSON.parse(e.data) as Reply;
    },
  });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  for (let c = await reader.read(); !c.done; c = await reader.read()) parser.feed(decoder.decode(c.value, { stream: true }));
  const before = streamed.endsWith(`\n${r.reply}`) && streamed.length > r.reply.length + 1 ? streamed.slice(0, streamed.length - r.reply.length - 1) : r.reply;
  return { ok: res.ok, streamed: before, r };
}
// Written as it goes: a run cut short keeps what it asked.
writeFileSync(file, '');
let kept = 0;
try {
  for (const question of questions) {
    const { ok, streamed, r } = await askStreamed(server.url, question);
    if (!ok || r.flow != null || r.handoff === true || (r.sources ?? []).length === 0) continue;
    const shown = second && streamed !== r.reply ? { shown: r.reply } : {};
    appendFileSync(file, `${JSON.stringify({ question, reply: second ? streamed : r.reply, ...shown, sources: (r.sources ?? []).map((s) => ({ id: s.id, score: s.score })), model: r.model })}\n`);
    kept++;
    process.stderr.write('.');
  }
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log(`\n${kept} knowledge replies of ${questions.length} questions → ${path.relative(ROOT, file)}`);
