import path from 'node:path';
import { Command } from 'commander';
import type { CommandAdapters } from '../compose/command-adapters.ts';
import { badRequest } from '../errors.ts';
import type { KnowledgeBase } from '../contracts/knowledge-base.ts';
import { HybridKnowledgeBase } from '../knowledge/hybrid/hybrid-knowledge-base.ts';
import { importKnowledge } from '../knowledge/import-kb.ts';
import { withProgress } from './progress-bar.ts';

/**
 * With an embedding model configured: every chunk without a vector is embedded now, with a
 * progress bar, and kept for the server (`<data dir>/embeddings.db`).
 */
async function embedChunks(store: KnowledgeBase, report: boolean): Promise<void> {
  if (!(store instanceof HybridKnowledgeBase)) return;
  let embedding = 0;
  await withProgress('embedding', 'passages', (report) =>
    store.idle(({ done, total }) => {
      embedding = total;
      report(done, total);
    }),
  );
  const { chunks, embedded, lastError } = store.vectorStats();
  if (embedded < chunks) throw new Error(`${chunks - embedded} of ${chunks} passages have no vector: ${lastError ?? 'the embedding model failed'}`);
  if (report) process.stdout.write(`vectors: ${embedded} of ${chunks} passages (${embedding} embedded now)\n`);
}

/** `kefu kb`: the knowledge base the server uses (kb.db in KEFU_DATA_DIR, or PostgreSQL with KEFU_DATABASE_URL). */
export function kbCommands(adapters: Pick<CommandAdapters, 'knowledgeBase'>): Command {
  const kb = new Command('kb').description('manage the knowledge base (KEFU_DATA_DIR, or PostgreSQL with KEFU_DATABASE_URL)');

  kb.command('import')
    .description('import md, json, jsonl or csv files (or folders of them)')
    .argument('<paths...>', 'files or folders')
    .action(async (paths: string[]) => {
      const store = await adapters.knowledgeBase();
      try {
        const result = await withProgress('importing', 'documents', (report) => importKnowledge(store, paths.map((p) => path.resolve(p)), ({ done, total }) => report(done, total)));
        process.stdout.write(`imported ${result.documents} documents (${result.chunks} passages)\n`);
        // Held documents are stored, not served: review them in the dashboard or with the admin API.
        for (const q of result.quarantined) process.stdout.write(`quarantined ${q.id}: ${q.findings.map((f) => `${f.kind} (${f.evidence})`).join('; ')}\n`);
        await embedChunks(store, true);
      } finally {
        await store.close();
      }
    });

  kb.command('search')
    .description('search the knowledge base')
    .argument('<query>', 'what to search for')
    .option('-k <k>', 'number of results', '5')
    .option('--json', 'print JSON')
    .action(async (query: string, opts: { k: string; json?: boolean }) => {
      const k = Number(opts.k);
      if (!Number.isInteger(k) || k < 1 || k > 50) throw badRequest('invalid_k', '-k must be an integer from 1 to 50');
      const store = await adapters.knowledgeBase();
      try {
        await embedChunks(store, false);
        const results = await store.search(query, k);
        if (opts.json === true) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
        else if (results.length === 0) process.stdout.write('no results\n');
        else for (const r of results) {
          // The cosine beside the score, to choose KEFU_EMBEDDING_MIN_SIMILARITY from real questions.
          const similarity = r.similarity === undefined ? '' : `  similarity ${r.similarity.toFixed(3)}`;
          process.stdout.write(`${r.score.toFixed(2)}  ${r.id}  ${r.title}${similarity}\n      ${r.text.slice(0, 120)}\n`);
        }
      } finally {
        await store.close();
      }
    });

  return kb;
}
