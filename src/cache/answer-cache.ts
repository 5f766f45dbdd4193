import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { isCacheable } from './cacheable.ts';
import { createFeatureIndex } from './feature-index.ts';
import type { AnswerCache, CacheEntryInput, CacheHit, LookupOptions } from '../contracts/answer-cache.ts';
import { normaliseQuestion, questionFeatures } from './normalise.ts';
import { createRecentRows, type ReadRow } from './recent-rows.ts';
import { perLoopPass } from '../store/per-loop-pass.ts';

/**
 * Lexical (Jaccard over jieba words + character bigrams / stemmed English words) similarity a
 * candidate needs to be served. Chosen by `scripts/eval-cache.ts` on eval/cache/replay.jsonl: the
 * lowest threshold whose false-hit rate stays at or under 1% with no hit on a personal question
 * (0.60 gave 1.3%; see BENCHMARKS.md, section cache, and docs/cache-eval.svg).
 */
export const DEFAULT_LEXICAL_THRESHOLD = 0.65;

export interface AnswerCacheOptions {
  /** SQLite file (its folder is created), or ':memory:'. */
  path: string;
  /** The current content hash of a document, null when it is gone. Without it, hits are not re-checked. */
  currentDocHash?: (docId: string) => string | null;
  /** Features of a normalised question (default: the knowledge base's analyser). */
  segment?: (normalised: string) => Set<string>;
  now?: () => number;
  /** Entries older than this are dropped on lookup (default 7 days; 0 = never expire). */
  ttlMs?: number;
  threshold?: number;
  /**
   * Hit and miss counters are kept in memory and written at most this often (default 1000 ms)
   * and on close, so a lookup is not a commit.
   */
  counterFlushMs?: number;
}

interface Row {
  id: number;
  lang: string;
  norm: string;
  question: string;
  intent: string | null;
  answer: string;
  sources: string;
  doc_hashes: string;
  model: string;
  created_at: number;
}

type Candidate = { intent: string | null };

const SCHEMA = `
CREATE TABLE IF NOT EXISTS answer_cache (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  lang       TEXT    NOT NULL,
  norm       TEXT    NOT NULL,
  question   TEXT    NOT NULL,
  intent     TEXT,
  answer     TEXT    NOT NULL,
  sources    TEXT    NOT NULL,
  doc_hashes TEXT    NOT NULL,
  model      TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  hits       INTEGER NOT NULL DEFAULT 0,
  UNIQUE (lang, norm)
);
CREATE TABLE IF NOT EXISTS answer_cache_docs (
  entry_id INTEGER NOT NULL REFERENCES answer_cache (id) ON DELETE CASCADE,
  doc_id   TEXT    NOT NULL,
  PRIMARY KEY (doc_id, entry_id)
);
CREATE TABLE IF NOT EXISTS answer_cache_stats (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO answer_cache_stats (key, value) VALUES ('hits', 0), ('misses', 0);
`;

const DAY = 86_400_000;

type Statements = ReturnType<typeof prepareStatements>;

/** The cache's statements, prepared once per connection. */
function prepareStatements(db: Database.Database) {
  return {
    byNorm: db.prepare<[string, string], Row>('SELECT * FROM answer_cache WHERE lang = ? AND norm = ?'),
    byId: db.prepare<[number], Row>('SELECT * FROM answer_cache WHERE id = ?'),
    all: db.prepare<[], Row>('SELECT * FROM answer_cache'),
    upsert: db.prepare<[string, string, string, string | null, string, string, string, string, number]>(
      `INSERT INTO answer_cache (lang, norm, question, intent, answer, sources, doc_hashes, model, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (lang, norm) DO UPDATE SET question = excluded.question, intent = excluded.intent, answer = excluded.answer,
         sources = excluded.sources, doc_hashes = excluded.doc_hashes, model = excluded.model, created_at = excluded.created_at, hits = 0
       RETURNING id`,
    ),
    deleteDocs: db.prepare<[number]>('DELETE FROM answer_cache_docs WHERE entry_id = ?'),
    addDoc: db.prepare<[number, string]>('INSERT OR IGNORE INTO answer_cache_docs (entry_id, doc_id) VALUES (?, ?)'),
    entriesCiting: db.prepare<[string], number>('SELECT entry_id FROM answer_cache_docs WHERE doc_id = ?').pluck(),
    delete: db.prepare<[number]>('DELETE FROM answer_cache WHERE id = ?'),
    hit: db.prepare<[number, number]>('UPDATE answer_cache SET hits = hits + ? WHERE id = ?'),
    count: db.prepare<[], number>('SELECT count(*) FROM answer_cache').pluck(),
    stat: db.prepare<[string], number>('SELECT value FROM answer_cache_stats WHERE key = ?').pluck(),
    bump: db.prepare<[number, string]>('UPDATE answer_cache_stats SET value = value + ? WHERE key = ?'),
    clear: db.prepare('DELETE FROM answer_cache'),
    resetStats: db.prepare('UPDATE answer_cache_stats SET value = 0'),
  };
}

/** The cache file with its schema; rows are zeroed on delete (docs/privacy.md). */
function openCacheFile(path: string): Database.Database {
  if (path !== ':memory:' && path !== '') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('secure_delete = ON'); // deleted rows are zeroed in the file (docs/privacy.md)
  db.pragma('foreign_keys = ON');
  db.exec(SCHEMA);
  return db;
}

/** In-memory candidates indexed by feature, loaded at open and kept in step with writes. */
function createCandidates(db: Database.Database, sql: Statements, segment: (normalised: string) => Set<string>) {
  const candidates = createFeatureIndex<Candidate>();
  // The exact match is answered from memory too: probing the (lang, norm) index in the file was
  // the part of a lookup that grew with entries (its pages stop fitting SQLite's page cache).
  const exact = createExactIds();
  const rows = createRecentRows((id) => sql.byId.get(id));
  /** The highest entry id read so far: ids only grow (AUTOINCREMENT), so newer ones are new entries. */
  let maxId = 0;
  const add = (id: number, lang: string, norm: string, intent: string | null): void => {
    exact.set(id, lang, norm);
    rows.forget(id);
    if (id > maxId) maxId = id;
    if (lang !== 'zh' && lang !== 'en') return;
    candidates.add({ id, group: lang, features: segment(norm), value: { intent } });
  };
  const load = (): void => {
    candidates.clear();
    exact.clear();
    rows.clear();
    maxId = 0;
    for (const r of sql.all.iterate()) add(r.id, r.lang, r.norm, r.intent);
  };
  load();
  // Another connection to the file (`kefu cache warm|clear` while the server runs) changes
  // data_version: the candidates are read again, or warmed answers would serve exact matches only
  // until a restart. Sibling workers (`--workers N`) write the file all the time (answers, counters
  // every second): only entries newer than the last one read are added; the whole index is read
  // again only when entries went away (the count no longer matches).
  const version = db.prepare<[], number>('PRAGMA data_version').pluck();
  const dataVersion = perLoopPass(() => version.get());
  const newer = db.prepare<[number], Pick<Row, 'id' | 'lang' | 'norm' | 'intent'>>('SELECT id, lang, norm, intent FROM answer_cache WHERE id > ? ORDER BY id');
  const indexable = db.prepare<[], number>("SELECT count(*) FROM answer_cache WHERE lang IN ('zh', 'en')").pluck();
  let seenVersion = dataVersion();
  const refresh = (): void => {
    const v = dataVersion();
    if (v === seenVersion) return;
    seenVersion = v;
    rows.clear();
    for (const r of newer.iterate(maxId)) add(r.id, r.lang, r.norm, r.intent);
    if (candidates.size !== indexable.get()) load();
  };
  return { index: candidates, exact, rows, add, refresh };
}

/** Entry ids by language and normalised question, kept in step with the file like the index. */
function createExactIds() {
  const ids = new Map<string, number>();
  const keys = new Map<number, string>();
  const key = (lang: string, norm: string): string => `${lang}\n${norm}`;
  return {
    get: (lang: string, norm: string): number | undefined => ids.get(key(lang, norm)),
    set(id: number, lang: string, norm: string): void {
      const k = key(lang, norm);
      const old = keys.get(id);
      if (old !== undefined && old !== k && ids.get(old) === id) ids.delete(old);
      ids.set(k, id);
      keys.set(id, k);
    },
    remove(id: number): void {
      const k = keys.get(id);
      if (k === undefined) return;
      keys.delete(id);
      if (ids.get(k) === id) ids.delete(k);
    },
    clear(): void {
      ids.clear();
      keys.clear();
    },
  };
}

/**
 * Hit and miss counts not yet written: a commit per lookup was a WAL write on every turn
 * (issue 16.2), so they are kept here and written every `flushMs` and on close.
 */
function createCounters(db: Database.Database, sql: Statements, flushMs: number) {
  const pending = { hits: 0, misses: 0, entryHits: new Map<number, number>() };
  const flushCounters = db.transaction(() => {
    for (const [id, n] of pending.entryHits) sql.hit.run(n, id);
    if (pending.hits > 0) sql.bump.run(pending.hits, 'hits');
    if (pending.misses > 0) sql.bump.run(pending.misses, 'misses');
    reset();
  });
  const reset = (): void => {
    pending.entryHits.clear();
    pending.hits = 0;
    pending.misses = 0;
  };
  const flush = (): void => {
    if (pending.hits > 0 || pending.misses > 0) flushCounters();
  };
  const timer = setInterval(flush, flushMs);
  timer.unref();
  return {
    pending,
    reset,
    hit(id: number): void {
      pending.hits++;
      pending.entryHits.set(id, (pending.entryHits.get(id) ?? 0) + 1);
    },
    close(): void {
      clearInterval(timer);
      if (db.open) flush();
    },
  };
}

const intentMatches = (a: string | null | undefined, b: string | null): boolean =>
  a === undefined || a === null || a === 'other' || b === null || b === 'other' || a === b;

/** Writes an entry and the documents it cites in one transaction; its id. */
function writeEntry(db: Database.Database, sql: Statements, entry: CacheEntryInput, norm: string, createdAt: number): number {
  return db.transaction(() => {
    const row = sql.upsert.get(
      entry.lang, norm, entry.question, entry.intent ?? null, entry.answer, JSON.stringify(entry.sources),
      JSON.stringify(entry.docHashes), entry.model, createdAt,
    ) as { id: number };
    sql.deleteDocs.run(row.id);
    for (const docId of Object.keys(entry.docHashes)) sql.addDoc.run(row.id, docId);
    return row.id;
  })();
}

/**
 * The lookup: an exact match on the normalised question, else the lexical candidates best first;
 * each hit is checked for expiry and changed documents (and removed when stale), and counted.
 */
function createLookup(o: { candidates: ReturnType<typeof createCandidates>; counters: ReturnType<typeof createCounters>; options: AnswerCacheOptions; segment: (normalised: string) => Set<string>; remove: (id: number) => void }) {
  const { candidates, counters, options, segment, remove } = o;
  const clock = options.now ?? Date.now;
  const ttl = options.ttlMs ?? 7 * DAY;
  const threshold = options.threshold ?? DEFAULT_LEXICAL_THRESHOLD;

  /** The entry if it is still valid: not expired, every cited document unchanged. */
  const validRow = ({ row, docHashes }: ReadRow<Row>): Row | null => {
    if (ttl > 0 && clock() - row.created_at > ttl) {
      remove(row.id);
      return null;
    }
    if (options.currentDocHash !== undefined) {
      for (const [docId, hash] of Object.entries(docHashes)) {
        if (options.currentDocHash(docId) !== hash) {
          remove(row.id);
          return null;
        }
      }
    }
    return row;
  };

  const toHit = ({ row, sources }: ReadRow<Row>, match: CacheHit['match'], score: number): CacheHit => {
    counters.hit(row.id);
    return { id: row.id, question: row.question, answer: row.answer, sources: sources.map((x) => ({ ...x })), model: row.model, match, score };
  };

  /** Lexical candidates at or above `min`, best first (ties: oldest first). */
  const rank = (norm: string, opts: LookupOptions, min: number) =>
    candidates.index.search(opts.lang, segment(norm), min, (c) => intentMatches(opts.intent, c.intent));

  return function lexicalLookup(question: string, opts: LookupOptions): CacheHit | null {
    if (!isCacheable(question)) return null;
    candidates.refresh();
    const norm = normaliseQuestion(question, opts.lang);
    if (norm.length === 0) return null;
    const exactId = candidates.exact.get(opts.lang, norm);
    const exact = exactId === undefined ? undefined : candidates.rows.get(exactId);
    if (exact !== undefined && exact.row.norm === norm && intentMatches(opts.intent, exact.row.intent) && validRow(exact) !== null) return toHit(exact, 'exact', 1);
    const min = opts.threshold ?? threshold;
    for (const c of rank(norm, opts, min)) {
      const read = candidates.rows.get(c.id);
      // The row's intent, not the index's: another process may have replaced the answer under the same id.
      if (read !== undefined && intentMatches(opts.intent, read.row.intent) && validRow(read) !== null) return toHit(read, 'lexical', c.score);
    }
    return null;
  };
}

/** Removes every entry citing one of the documents, in one transaction; how many went. */
function removeCiting(db: Database.Database, sql: Statements, docIds: Iterable<string>, remove: (id: number) => void): number {
  const ids = new Set<number>();
  for (const d of docIds) for (const id of sql.entriesCiting.all(d)) ids.add(id);
  db.transaction(() => {
    for (const id of ids) remove(id);
  })();
  return ids.size;
}

/** The written counts plus those not written yet. */
function readStats(sql: Statements, pending: { hits: number; misses: number }) {
  const hits = (sql.stat.get('hits') ?? 0) + pending.hits;
  const misses = (sql.stat.get('misses') ?? 0) + pending.misses;
  return { entries: sql.count.get() ?? 0, hits, misses, hitRate: hits + misses === 0 ? 0 : hits / (hits + misses) };
}

/**
 * Answer cache in SQLite: an exact match on the normalised question, else the most similar cached
 * question of the same language (and intent, when both are known) above a threshold. Every hit
 * re-checks the cited documents' hashes and drops the entry when one changed.
 */
export function createSqliteAnswerCache(options: AnswerCacheOptions): AnswerCache {
  const db = openCacheFile(options.path);
  const segment = options.segment ?? questionFeatures;
  const clock = options.now ?? Date.now;
  const sql = prepareStatements(db);
  const candidates = createCandidates(db, sql, segment);
  const counters = createCounters(db, sql, options.counterFlushMs ?? 1000);
  const { pending } = counters;
  const remove = (id: number): void => {
    sql.delete.run(id);
    candidates.index.remove(id);
    candidates.exact.remove(id);
    candidates.rows.forget(id);
    pending.entryHits.delete(id);
  };
  const lexicalLookup = createLookup({ candidates, counters, options, segment, remove });
  const lookup: AnswerCache['lookup'] = (question, opts) => {
    const hit = lexicalLookup(question, opts);
    if (hit === null) pending.misses++;
    return hit;
  };

  return {
    lookup,

    lookupAsync: async (question, opts) => lookup(question, opts),

    store(entry) {
      if (!isCacheable(entry.question, { sources: entry.sources, ...(entry.intent == null ? {} : { intent: entry.intent }) })) return false;
      const norm = normaliseQuestion(entry.question, entry.lang);
      if (norm.length === 0) return false;
      const id = writeEntry(db, sql, entry, norm, clock());
      pending.entryHits.delete(id); // the replaced answer's hits are reset with it
      candidates.add(id, entry.lang, norm, entry.intent ?? null);
      return true;
    },

    evict(question, lang) {
      const row = sql.byNorm.get(lang, normaliseQuestion(question, lang));
      if (row === undefined) return false;
      remove(row.id);
      return true;
    },

    invalidateDocs: (docIds) => removeCiting(db, sql, docIds, remove),

    warm(entries, onProgress) {
      let stored = 0;
      db.transaction(() => {
        entries.forEach((e, i) => {
          if (this.store(e)) stored++;
          onProgress?.(i + 1, entries.length);
        });
      })();
      return stored;
    },

    scoredCandidates: () => candidates.index.scored,

    stats: () => readStats(sql, pending),

    clear() {
      const n = sql.count.get() ?? 0;
      db.transaction(() => {
        sql.clear.run();
        sql.resetStats.run();
      })();
      candidates.index.clear();
      candidates.exact.clear();
      candidates.rows.clear();
      counters.reset();
      return n;
    },

    close() {
      counters.close();
      db.close();
    },
  };
}

// Kept here for the callers that import it with the cache; it lives apart so that code which
// only needs the id (the warm sources a command loads) does not load SQLite with it.
export { docIdOf } from './doc-id-of.ts';
