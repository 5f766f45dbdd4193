/** Bump when the tables change; together with TOKENIZER_VERSION it decides when to re-index. */
export const SCHEMA_VERSION = 2;

/**
 * Version 2: trust and review. `trust` is policy or untrusted; a `quarantined` document is kept for
 * review but has no chunks (never retrieved); `findings` is the scanner's JSON list of reasons;
 * `reviewed_hash` is the content an admin approved despite findings. Added to older files by
 * `migrateDocuments`; the version bump re-indexes them, so documents already stored are scanned.
 */
export const DOCUMENT_COLUMNS_V2: readonly (readonly [string, string])[] = [
  ['trust', "TEXT NOT NULL DEFAULT 'policy'"],
  ['status', "TEXT NOT NULL DEFAULT 'active'"],
  ['findings', 'TEXT'],
  ['reviewed_hash', 'TEXT'],
];

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS documents (
  id         TEXT PRIMARY KEY,
  title      TEXT NOT NULL,
  text       TEXT NOT NULL,
  lang       TEXT,
  category   TEXT,
  source     TEXT,
  url        TEXT,
  hash       TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  trust      TEXT NOT NULL DEFAULT 'policy',
  status     TEXT NOT NULL DEFAULT 'active',
  findings   TEXT,
  reviewed_hash TEXT
);

CREATE TABLE IF NOT EXISTS chunks (
  id     INTEGER PRIMARY KEY AUTOINCREMENT,
  doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  idx    INTEGER NOT NULL,
  text   TEXT NOT NULL,
  len    INTEGER NOT NULL,
  UNIQUE (doc_id, idx)
);

CREATE TABLE IF NOT EXISTS postings (
  term     TEXT NOT NULL,
  chunk_id INTEGER NOT NULL,
  tf       INTEGER NOT NULL,
  PRIMARY KEY (term, chunk_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS postings_by_chunk ON postings (chunk_id);

CREATE TABLE IF NOT EXISTS terms (
  term TEXT PRIMARY KEY,
  df   INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS stats (
  key   TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT OR IGNORE INTO stats (key, value) VALUES ('documents', 0), ('chunks', 0), ('total_len', 0);
`;
