import path from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { badRequest } from '../errors.ts';
import type { AnswerCacheOptions } from './answer-cache.ts';
import type { AnswerCache, CacheEntryInput } from '../contracts/answer-cache.ts';
import { entriesFromKb } from './warm-sources.ts';
import type { KbDocument, KnowledgeBase } from '../contracts/knowledge-base.ts';

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

/** The answer cache as a command holds it, and how to close it. */
export interface OpenedAnswerCache {
  cache: AnswerCache;
  /** In Redis, shared by every node. */
  shared: boolean;
  close(): Promise<void>;
}

/** What `kefu cache` works on; the composition root (src/compose/cache-command-adapters.ts) picks them. */
export interface CacheCommandAdapters {
  knowledgeBase(): Promise<KnowledgeBase>;
  answerCache(options?: Omit<AnswerCacheOptions, 'path'>): Promise<OpenedAnswerCache>;
  /** The most asked questions of the conversation log that were answered soundly, as cache entries. */
  logEntries(top: number, currentDocHash: (docId: string) => string | null): Promise<CacheEntryInput[]>;
}

/**
 * `kefu cache warm|stats|clear` over the cache the server uses: the entries in Redis when
 * KEFU_REDIS_URL is set (shared by every node), else KEFU_DATA_DIR/answer-cache.db.
 */
export function cacheCommands(adapters: CacheCommandAdapters): Command {
  const cmd = new Command('cache').description('manage the answer cache (in Redis with KEFU_REDIS_URL, else in KEFU_DATA_DIR)');

  cmd.command('warm')
    .description('pre-generate answers for the top questions from the knowledge base and/or the conversation logs')
    .option('--from-kb', 'each document title (FAQ question) with the document cited as its answer')
    .option('--from-logs', 'the most frequent user questions answered with sources in kefu.db')
    .option('--top <n>', 'questions per source', '200')
    .action(async (opts: { fromKb?: boolean; fromLogs?: boolean; top: string }) => {
      const top = Number(opts.top);
      if (!Number.isInteger(top) || top < 1) throw badRequest('invalid_top', '--top must be a positive integer');
      const fromKb = opts.fromKb === true || opts.fromLogs !== true;
      const kb = await adapters.knowledgeBase();
      const currentDocHash = (docId: string) => kb.docHash(docId);
      const { cache, close } = await adapters.answerCache({ currentDocHash }).catch(async (err: unknown) => {
        await kb.close();
        throw err;
      });
      try {
        const entries: CacheEntryInput[] = [];
        if (fromKb) entries.push(...entriesFromKb(await readKbDocuments(kb), top));
        if (opts.fromLogs === true) entries.push(...(await adapters.logEntries(top, currentDocHash)));
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
      const { cache, shared, close } = await adapters.answerCache();
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
      const { cache, close } = await adapters.answerCache();
      try {
        process.stdout.write(`cleared ${cache.clear()} answers\n`);
      } finally {
        await close();
      }
    });

  return cmd;
}
