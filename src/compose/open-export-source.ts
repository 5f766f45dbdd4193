import { existsSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { ConversationStore } from '../contracts/conversation-store.ts';
import { createPool, createPostgresConversationStore } from '../store/postgres/postgres-conversation-store.ts';
import { createSqliteConversationStore } from '../store/sqlite/sqlite-conversation-store.ts';

/** Where `kefu finetune export` reads conversations and CSAT ratings. */
export interface ExportSource {
  store: ConversationStore;
  /** CSAT ratings by session (a low-rated conversation's replies are left out). */
  ratings(): Promise<Map<string, number>>;
  close(): Promise<void>;
}

/**
 * The conversations the nodes wrote: PostgreSQL with KEFU_DATABASE_URL (every node's), else
 * `<data dir>/kefu.db`. The same exclusions apply to both, since both feed `exportTrainingPairs`.
 */
export async function openExportSource(settings: { dataDir: string; databaseUrl: string | null }): Promise<ExportSource> {
  if (settings.databaseUrl !== null) {
    const pool = createPool(settings.databaseUrl, 2);
    const store = createPostgresConversationStore({ pool });
    await store.migrate();
    return {
      store,
      async ratings() {
        const rows = (await pool.query<{ session_id: string; rating: number }>('SELECT session_id, rating FROM conversation_outcomes WHERE rating IS NOT NULL')).rows;
        return new Map(rows.map((r) => [r.session_id, Number(r.rating)]));
      },
      async close() {
        await store.close();
        await pool.end();
      },
    };
  }
  const file = path.join(settings.dataDir, 'kefu.db');
  const store = createSqliteConversationStore({ path: file });
  await store.migrate();
  return { store, ratings: async () => readSqliteRatings(file), close: () => store.close() };
}

/** CSAT ratings by session from the outcomes table (read-only); none when the table is not there yet. */
function readSqliteRatings(dbPath: string): Map<string, number> {
  if (!existsSync(dbPath)) return new Map();
  const db = new Database(dbPath, { readonly: true });
  try {
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'conversation_outcomes'").get();
    if (table === undefined) return new Map();
    const rows = db.prepare<[], { session_id: string; rating: number }>('SELECT session_id, rating FROM conversation_outcomes WHERE rating IS NOT NULL').all();
    return new Map(rows.map((r) => [r.session_id, r.rating]));
  } finally {
    db.close();
  }
}
