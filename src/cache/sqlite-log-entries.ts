import Database from 'better-sqlite3';
import type { CacheEntryInput, CacheLang, CacheSource } from '../contracts/answer-cache.ts';
import { docIdOf } from './doc-id-of.ts';
import { unsoundReason } from './unsound-reply.ts';

interface LogRow {
  question: string;
  answer: string;
  meta: string;
  n: number;
  next_text: string | null;
  next_meta: string | null;
  rating: number | null;
}

/**
 * The most frequent user questions in the conversation store (`kefu.db`, opened read-only) whose
 * next assistant reply was answered with sources and was sound (`unsoundReason`: no fallback or
 * replacement, strictly grounded, not disputed by the next turn, the session not rated low), with
 * that reply as the answer. Entries whose cited documents no longer exist are skipped.
 */
export function entriesFromLogs(dbPath: string, top: number, currentDocHash: (docId: string) => string | null): CacheEntryInput[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const rated = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'conversation_outcomes'").get() !== undefined;
    const ratingColumn = rated ? '(SELECT rating FROM conversation_outcomes o WHERE o.session_id = a.conversation_id) AS rating' : 'NULL AS rating';
    const rows = db.prepare<[number], LogRow>(`
      SELECT u.content AS question, a.content AS answer, a.meta AS meta, count(*) OVER (PARTITION BY u.content) AS n,
        nx.content AS next_text, nx.meta AS next_meta, ${ratingColumn}
      FROM messages u
      JOIN messages a ON a.conversation_id = u.conversation_id AND a.role = 'assistant'
        AND a.seq = (SELECT min(seq) FROM messages x WHERE x.conversation_id = u.conversation_id AND x.seq > u.seq)
      LEFT JOIN messages nx ON nx.conversation_id = a.conversation_id AND nx.role = 'user'
        AND nx.seq = (SELECT min(seq) FROM messages y WHERE y.conversation_id = a.conversation_id AND y.seq > a.seq)
      WHERE u.role = 'user'
      ORDER BY n DESC, a.seq DESC
      LIMIT ?`).all(top * 20);
    const out: CacheEntryInput[] = [];
    const seen = new Set<string>();
    for (const r of rows) {
      if (out.length >= top || seen.has(r.question)) continue;
      seen.add(r.question);
      const meta = JSON.parse(r.meta) as { sources?: CacheSource[]; intent?: string; unanswered?: boolean; flow?: unknown; guard?: unknown[]; fallback?: unknown; model?: string; sound?: boolean };
      const sources = meta.sources ?? [];
      if (sources.length === 0 || meta.unanswered === true || meta.flow !== undefined) continue;
      // Only a reply the pipeline found sound (older ones never said) that nothing after it disputed.
      const next = r.next_text === null ? undefined : { content: r.next_text, meta: JSON.parse(r.next_meta ?? '{}') as Record<string, unknown> };
      if (meta.sound !== true || unsoundReason({ role: 'assistant', content: r.answer, meta }, { question: { content: r.question, meta: {} }, next, rating: r.rating }) !== null) continue;
      const docHashes: Record<string, string> = {};
      let missing = false;
      for (const s of sources) {
        const h = currentDocHash(docIdOf(s.id));
        if (h === null) missing = true;
        else docHashes[docIdOf(s.id)] = h;
      }
      if (missing) continue;
      const lang: CacheLang = /\p{Script=Han}/u.test(r.question) ? 'zh' : 'en';
      out.push({ question: r.question, lang, intent: meta.intent ?? null, answer: r.answer, sources, docHashes, model: meta.model ?? 'unknown' });
    }
    return out;
  } finally {
    db.close();
  }
}
