import { existsSync } from 'node:fs';
import path from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { loadConfig } from '../config/load-config.ts';
import { badRequest } from '../errors.ts';
import { createSqliteAnswerCache, type AnswerCacheOptions } from './answer-cache.ts';
import type { AnswerCache, CacheEntryInput } from '../contracts/answer-cache.ts';
import { createRedisReplicatedAnswerCache } from './redis-replicated-answer-cache.ts';
import { entriesFromKb, entriesFromLogs } from './warm-sources.ts';
import type { KbDocument, KnowledgeBase } from '../contracts/knowledge-base.ts';
import { createSqliteKnowledgeBase } from '../knowledge/sqlite-knowledge-base.ts';

const KB_PAGE = 500;

/** The answer cache's file in the data directory. */
export const cachePath = (dataDir: string): string => path.join(dataDir, 'answer-cache.db');

/**
 * The documents that may answer (retrieved ones, not those held in quarantine or marked
 * untrusted, which the retrieval answer never quotes either), by id, each with the hash the
 * knowledge base stored for it, which the server checks a cached answer against (a hash
 * recomputed from some of the fields missed category and source: every warmed answer was dropped
 * at its first hit).
 */
export async function readKbDocuments(kb: Pick<KnowledgeBase, 'listDocuments'>): Promise<(KbDocument & { hash: string })[]> {
  const out: (KbDocument & { hash: string })[] = [];
  for (let offset = 0; ; offset += KB_PAGE) {
    const { documents } = await kb.listDocuments({ limit: KB_PAGE, offset });
    for (const d of documents) {
      if (d.status !== 'active' || d.trust === 'untrusted') continue;
      out.push({ id: d.id, title: d.title, text: d.text, hash: d.hash, ...(d.lang === null ? {} : { lang: d.lang }), ...(d.url === null ? {} : { url: d.url }) });
    }
    if (documents.length < KB_PAGE) break;
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

async function openKbFile(dir: string): Promise<KnowledgeBase> {
  const kbPath = path.join(dir, 'kb.db');
  if (!existsSync(kbPath)) throw badRequest('no_kb', `no knowledge base at ${kbPath}: run \`kefu kb import\` first`);
  return createSqliteKnowledgeBase({ path: kbPath });
}

/**
 * `kefu cache warm|stats|clear` over the cache the server uses: the entries in Redis when
 * KEFU_REDIS_URL is set (shared by every node), else KEFU_DATA_DIR/answer-cache.db.
 */
export function cacheCommands(options: { dataDir?: () => string; redisUrl?: () => string | null; knowledgeBase?: () => Promise<KnowledgeBase> } = {}): Command {
  const dataDir = options.dataDir ?? (() => loadConfig().dataDir);
  // The server's knowledge base (PostgreSQL in a cluster, from the composition root), else the data dir's kb.db.
  const openKb = options.knowledgeBase ?? (() => openKbFile(dataDir()));
  const redisUrl = options.redisUrl ?? (() => loadConfig().redisUrl);
  const cmd = new Command('cache').description('manage the answer cache (in Redis with KEFU_REDIS_URL, else in KEFU_DATA_DIR)');

  /** The cache and how to close it: a Redis one must finish its writes before the process exits. */
  const open = async (dir: string, cacheOptions: Omit<AnswerCacheOptions, 'path'> = {}): Promise<{ cache: AnswerCache; shared: boolean; close(): Promise<void> }> => {
    const url = redisUrl();
    if (url !== null) {
      const cache = await createRedisReplicatedAnswerCache({ url, ...cacheOptions, logger: { warn: (details, message) => process.stderr.write(`${message}: ${String(details.err)}\n`) } });
      return { cache, shared: true, close: () => cache.quit() };
    }
    const cache = createSqliteAnswerCache({ path: cachePath(dir), ...cacheOptions });
    return { cache, shared: false, close: async () => cache.close() };
  };

  cmd.command('warm')
    .description('pre-generate answers for the top questions from the knowledge base and/or the conversation logs')
    .option('--from-kb', 'each document title (FAQ question) with the document cited as its answer')
    .option('--from-logs', 'the most frequent user questions answered with sources in kefu.db')
    .option('--top <n>', 'questions per source', '200')
    .action(async (opts: { fromKb?: boolean; fromLogs?: boolean; top: string }) => {
      const top = Number(opts.top);
      if (!Number.isInteger(top) || top < 1) throw badRequest('invalid_top', '--top must be a positive integer');
      const dir = dataDir();
      const fromKb = opts.fromKb === true || opts.fromLogs !== true;
      const kb = await openKb();
      const currentDocHash = (docId: string) => kb.docHash(docId);
      const { cache, close } = await open(dir, { currentDocHash }).catch(async (err: unknown) => {
        await kb.close();
        throw err;
      });
      try {
        const entries: CacheEntryInput[] = [];
        if (fromKb) entries.push(...entriesFromKb(await readKbDocuments(kb), top));
        if (opts.fromLogs === true) {
          const logs = path.join(dir, 'kefu.db');
          if (!existsSync(logs)) throw badRequest('no_logs', `no conversation store at ${logs}`);
          entries.push(...entriesFromLogs(logs, top, currentDocHash));
        }
        const bar = new SingleBar({ format: 'warming [{bar}] {percentage}% | {value}/{total} questions', stream: process.stderr }, Presets.shades_classic);
        bar.start(entries.length, 0);
        const stored = cache.warm(entries, (done) => bar.update(done));
        bar.stop();
        process.stdout.write(`stored ${stored} answers (${entries.length - stored} not cacheable); ${cache.stats().entries} in the cache\n`);
      } finally {
        await close();
        await kb.close();
      }
    });

  cmd.command('stats')
    .description('entries, hits, misses and hit rate')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { cache, shared, close } = await open(dataDir());
      try {
        const s = cache.stats();
        // With Redis: every node's hits and misses, as the nodes sent them (once a second).
        process.stdout.write(opts.json === true ? `${JSON.stringify(s)}\n` : `entries ${s.entries}${shared ? ' (in Redis, every node)' : ''}\nhits ${s.hits}\nmisses ${s.misses}\nhit rate ${(s.hitRate * 100).toFixed(1)}%\n`);
      } finally {
        await close();
      }
    });

  cmd.command('clear')
    .description('drop every cached answer and reset the counters')
    .action(async () => {
      const { cache, close } = await open(dataDir());
      try {
        process.stdout.write(`cleared ${cache.clear()} answers\n`);
      } finally {
        await close();
      }
    });

  return cmd;
}
