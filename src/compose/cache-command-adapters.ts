import { existsSync } from 'node:fs';
import path from 'node:path';
import { createSqliteAnswerCache } from '../cache/answer-cache.ts';
import { cachePath, type CacheCommandAdapters } from '../cache/cache-commands.ts';
import { createRedisReplicatedAnswerCache } from '../cache/redis-replicated-answer-cache.ts';
import { entriesFromLogs } from '../cache/sqlite-log-entries.ts';
import type { KnowledgeBase } from '../contracts/knowledge-base.ts';
import { badRequest } from '../errors.ts';
import { createSqliteKnowledgeBase } from '../knowledge/sqlite-knowledge-base.ts';

async function openKbFile(dir: string): Promise<KnowledgeBase> {
  const kbPath = path.join(dir, 'kb.db');
  if (!existsSync(kbPath)) throw badRequest('no_kb', `no knowledge base at ${kbPath}: run \`kefu kb import\` first`);
  return createSqliteKnowledgeBase({ path: kbPath });
}

/**
 * What `kefu cache` works on, picked here rather than in the command (issue 14, one composition
 * root): the answers in Redis when KEFU_REDIS_URL is set (shared by every node), else
 * `<data dir>/answer-cache.db`; the knowledge base the caller gives (the server's, PostgreSQL in a
 * cluster), else the data dir's kb.db; the conversation log read from `<data dir>/kefu.db`.
 */
export function createCacheCommandAdapters(where: {
  dataDir: () => string;
  redisUrl: () => string | null;
  knowledgeBase?: () => Promise<KnowledgeBase>;
}): CacheCommandAdapters {
  return {
    knowledgeBase: where.knowledgeBase ?? (() => openKbFile(where.dataDir())),

    async answerCache(cacheOptions = {}) {
      const url = where.redisUrl();
      if (url !== null) {
        const cache = await createRedisReplicatedAnswerCache({ url, ...cacheOptions, logger: { warn: (details, message) => process.stderr.write(`${message}: ${String(details.err)}\n`) } });
        // A Redis cache must finish its writes before the process exits.
        return { cache, shared: true, close: () => cache.quit() };
      }
      const cache = createSqliteAnswerCache({ path: cachePath(where.dataDir()), ...cacheOptions });
      return { cache, shared: false, close: async () => cache.close() };
    },

    async logEntries(top, currentDocHash) {
      const logs = path.join(where.dataDir(), 'kefu.db');
      if (!existsSync(logs)) throw badRequest('no_logs', `no conversation store at ${logs}`);
      return entriesFromLogs(logs, top, currentDocHash);
    },
  };
}
