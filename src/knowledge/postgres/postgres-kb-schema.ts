import type { Migration } from '../../store/sqlite/migrations.ts';

/** Versions recorded apart from the conversation store's, so the two lists never need to agree. */
export const KB_MIGRATIONS_TABLE = 'kb_schema_migrations';

/**
 * Documents in PostgreSQL, shared by every node. Each write takes the next `seq` under one
 * advisory lock, so commits happen in `seq` order and a node that has read up to `seq` n has seen
 * every change before it. A removed document stays as a tombstone (`status = 'deleted'`, its text
 * erased) so that nodes learn of the removal the same way. `chunks` holds the writer's chunks and
 * terms (JSON) for `index_version`; a node with another tokenizer chunks the text itself.
 */
export const kbPostgresMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'knowledge base documents',
    sql: `
      CREATE SEQUENCE kb_document_seq;
      CREATE TABLE kb_documents (
        id            TEXT   NOT NULL PRIMARY KEY,
        title         TEXT   NOT NULL,
        text          TEXT   NOT NULL,
        lang          TEXT,
        category      TEXT,
        source        TEXT,
        url           TEXT,
        hash          TEXT   NOT NULL,
        updated_at    BIGINT NOT NULL,
        trust         TEXT   NOT NULL DEFAULT 'policy',
        status        TEXT   NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'quarantined', 'deleted')),
        findings      TEXT,
        reviewed_hash TEXT,
        chunks        TEXT,
        index_version TEXT,
        seq           BIGINT NOT NULL
      );
      CREATE INDEX kb_documents_by_seq ON kb_documents (seq);
      CREATE INDEX kb_documents_by_time ON kb_documents (updated_at DESC, id);
    `,
  },
];
