import path from 'node:path';
import type { ApiKeyStore } from '../contracts/api-key-store.ts';
import type { AuditLog } from '../contracts/audit-log.ts';
import type { CacheCommandAdapters } from '../cache/cache-commands.ts';
import { createCacheCommandAdapters } from './cache-command-adapters.ts';
import type { KbReview, KnowledgeBase } from '../contracts/knowledge-base.ts';
import type { KefuConfig } from '../config/load-config.ts';
import { withVectors } from '../knowledge/hybrid/with-vectors.ts';
import { openKnowledgeBase } from '../knowledge/open-knowledge-base.ts';
import { openCommandAuditLog, type CommandAuditLogOptions } from './open-command-audit-log.ts';
import { openExportSource, type ExportSource } from './open-export-source.ts';
import { createPostgresApiKeyStore } from '../server/postgres-api-key-store.ts';
import { createSqliteApiKeyStore } from '../server/sqlite-api-key-store.ts';
import { createPool, createPostgresConversationStore } from '../store/postgres/postgres-conversation-store.ts';
import { createSqliteConversationStore } from '../store/sqlite/sqlite-conversation-store.ts';

/**
 * What the CLI commands work on, opened on demand from the configuration by the same rules as
 * `createKefu`: `<data dir>` files on one node, PostgreSQL (and Redis) with KEFU_DATABASE_URL.
 * A command gets these and never picks an adapter itself; each opener's result is the caller's
 * to close. The configuration is read on first use, so `kefu --help` needs none.
 */
export interface CommandAdapters extends CacheCommandAdapters {
  knowledgeBase(): Promise<KnowledgeBase & KbReview>;
  apiKeys(): Promise<ApiKeyStore>;
  /** `kefu audit`: the cluster's chain with KEFU_DATABASE_URL, else `<data dir>/audit.db`, or `db`. */
  auditLog(options?: CommandAuditLogOptions): Promise<AuditLog>;
  /** `kefu finetune export`: every node's conversations with KEFU_DATABASE_URL, else this data dir's. */
  exportSource(): Promise<ExportSource>;
}

export function createCommandAdapters(config: () => KefuConfig): CommandAdapters {
  const cache = createCacheCommandAdapters({ dataDir: () => config().dataDir, redisUrl: () => config().redisUrl });
  return {
    answerCache: cache.answerCache,
    logEntries: cache.logEntries,

    async knowledgeBase() {
      const c = config();
      const bm25 = await openKnowledgeBase({ dataDir: c.dataDir, databaseUrl: c.databaseUrl, redisUrl: c.redisUrl });
      return withVectors(bm25, c) ?? bm25;
    },

    async apiKeys() {
      const c = config();
      // The keys live beside the conversations; the store's migrations make their tables.
      if (c.databaseUrl !== null) {
        const pool = createPool(c.databaseUrl, 2);
        const store = createPostgresConversationStore({ pool });
        await store.migrate();
        await store.close();
        return { ...createPostgresApiKeyStore({ pool }), close: () => pool.end() };
      }
      const file = path.join(c.dataDir, 'kefu.db');
      const store = createSqliteConversationStore({ path: file });
      await store.migrate();
      await store.close();
      return createSqliteApiKeyStore({ path: file });
    },

    async exportSource() {
      const c = config();
      return openExportSource({ dataDir: c.dataDir, databaseUrl: c.databaseUrl });
    },

    async auditLog(options = {}) {
      return openCommandAuditLog(config(), options);
    },
  };
}
