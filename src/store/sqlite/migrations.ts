/**
 * The SQLite schema as an ordered list of numbered steps. Append new steps; never edit or
 * renumber one that has shipped, since databases in the field record the versions they ran.
 * Column types and constraints stay within what PostgreSQL also has (TEXT, INTEGER/BIGINT,
 * CHECK, ON DELETE CASCADE, ON CONFLICT), so the PostgreSQL adapter mirrors these steps.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const sqliteMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'conversations, messages, settings',
    sql: `
      CREATE TABLE conversations (
        id         TEXT    NOT NULL PRIMARY KEY,
        user_id    TEXT,
        channel    TEXT    NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        state      TEXT    NOT NULL DEFAULT '{}'
      );
      CREATE TABLE messages (
        seq             INTEGER PRIMARY KEY AUTOINCREMENT,
        id              TEXT    NOT NULL UNIQUE,
        conversation_id TEXT    NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        role            TEXT    NOT NULL CHECK (role IN ('user', 'assistant', 'agent', 'system')),
        content         TEXT    NOT NULL,
        created_at      INTEGER NOT NULL,
        meta            TEXT    NOT NULL DEFAULT '{}'
      );
      CREATE INDEX messages_conversation_order ON messages (conversation_id, created_at, seq);
      CREATE TABLE settings (
        key   TEXT NOT NULL PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'index conversations by recency (idle sweep, admin listing)',
    sql: `
      CREATE INDEX conversations_recency ON conversations (updated_at, id);
    `,
  },
  {
    version: 3,
    name: 'human handoff queue and conversation outcomes',
    sql: `
      CREATE TABLE handoffs (
        id         TEXT    NOT NULL PRIMARY KEY,
        session_id TEXT    NOT NULL,
        reason     TEXT    NOT NULL,
        status     TEXT    NOT NULL CHECK (status IN ('queued', 'assigned', 'resolved', 'returned', 'cancelled')),
        priority   INTEGER NOT NULL DEFAULT 0,
        summary    TEXT    NOT NULL DEFAULT '',
        agent      TEXT,
        created_at INTEGER NOT NULL,
        claimed_at INTEGER,
        closed_at  INTEGER
      );
      CREATE INDEX handoffs_queue ON handoffs (status, priority DESC, created_at);
      CREATE UNIQUE INDEX handoffs_one_open_per_session ON handoffs (session_id) WHERE status IN ('queued', 'assigned');
      CREATE TABLE conversation_outcomes (
        session_id     TEXT    NOT NULL PRIMARY KEY,
        channel        TEXT    NOT NULL,
        intent         TEXT,
        started_at     INTEGER NOT NULL,
        last_at        INTEGER NOT NULL,
        turns          INTEGER NOT NULL DEFAULT 0,
        transferred    INTEGER NOT NULL DEFAULT 0,
        resolved       INTEGER NOT NULL DEFAULT 0,
        last_failed    INTEGER NOT NULL DEFAULT 0,
        outcome        TEXT    CHECK (outcome IN ('resolved', 'transferred', 'abandoned')),
        ended_at       INTEGER,
        rating         INTEGER CHECK (rating BETWEEN 1 AND 5),
        rating_comment TEXT
      );
      CREATE INDEX conversation_outcomes_open ON conversation_outcomes (ended_at, last_at);
    `,
  },
  {
    version: 4,
    name: 'tenants on conversations and handoffs; API keys for agents and channels',
    sql: `
      ALTER TABLE conversations ADD COLUMN tenant TEXT NOT NULL DEFAULT 'default';
      ALTER TABLE handoffs ADD COLUMN tenant TEXT NOT NULL DEFAULT 'default';
      CREATE INDEX handoffs_tenant_queue ON handoffs (tenant, status, priority DESC, created_at);
      CREATE TABLE api_keys (
        id         TEXT    NOT NULL PRIMARY KEY,
        name       TEXT    NOT NULL,
        role       TEXT    NOT NULL CHECK (role IN ('admin', 'agent', 'channel')),
        tenant     TEXT    NOT NULL,
        key_hash   TEXT    NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER
      );
    `,
  },
  {
    version: 5,
    name: 'admin keys: one tenant, or every tenant (*)',
    // Until now every admin key saw every tenant whatever its tenant column said. Keys made
    // without a tenant (stored as 'default') keep that reach; one made for a named tenant is
    // scoped to it from now on.
    sql: `UPDATE api_keys SET tenant = '*' WHERE role = 'admin' AND tenant = 'default';`,
  },
  {
    version: 6,
    name: 'session tokens: a hash of the token issued with each session',
    // Sessions made before this have none (NULL): only a channel, agent or admin key continues
    // or reads them, since whoever knew their id was never proof of anything.
    sql: `ALTER TABLE conversations ADD COLUMN token_hash TEXT;`,
  },
];
