import path from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import { Command } from 'commander';
import type { CommandAdapters } from '../compose/command-adapters.ts';
import { badRequest } from '../errors.ts';
import { importKnowledge } from '../knowledge/import-kb.ts';

/** `kefu kb`: the knowledge base the server uses (kb.db in KEFU_DATA_DIR, or PostgreSQL with KEFU_DATABASE_URL). */
export function kbCommands(adapters: Pick<CommandAdapters, 'knowledgeBase'>): Command {
  const kb = new Command('kb').description('manage the knowledge base (KEFU_DATA_DIR, or PostgreSQL with KEFU_DATABASE_URL)');

  kb.command('import')
    .description('import md, json, jsonl or csv files (or folders of them)')
    .argument('<paths...>', 'files or folders')
    .action(async (paths: string[]) => {
      const store = await adapters.knowledgeBase();
      const bar = new SingleBar({ format: 'importing [{bar}] {percentage}% | {value}/{total} documents', stream: process.stderr }, Presets.shades_classic);
      let started = false;
      try {
        const result = await importKnowledge(store, paths.map((p) => path.resolve(p)), ({ done, total }) => {
          if (!started) {
            bar.start(total, 0);
            started = true;
          }
          bar.update(done);
        });
        if (started) bar.stop();
        process.stdout.write(`imported ${result.documents} documents (${result.chunks} passages)\n`);
        // Held documents are stored, not served: review them in the dashboard or with the admin API.
        for (const q of result.quarantined) process.stdout.write(`quarantined ${q.id}: ${q.findings.map((f) => `${f.kind} (${f.evidence})`).join('; ')}\n`);
      } finally {
        if (started) bar.stop();
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
        const results = await store.search(query, k);
        if (opts.json === true) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
        else if (results.length === 0) process.stdout.write('no results\n');
        else for (const r of results) process.stdout.write(`${r.score.toFixed(2)}  ${r.id}  ${r.title}\n      ${r.text.slice(0, 120)}\n`);
      } finally {
        await store.close();
      }
    });

  return kb;
}
