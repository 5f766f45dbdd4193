import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import { Command } from 'commander';
import type { CommandAdapters } from '../compose/command-adapters.ts';
import { badRequest } from '../errors.ts';
import { exportTrainingPairs, peftAdapterConfig, type TrainingExample } from '../finetune/export-training-pairs.ts';
import { POLICY } from '../pipeline/prompt-builder.ts';

const jsonl = (rows: readonly unknown[]): string => rows.map((r) => `${JSON.stringify(r)}\n`).join('');

function writeSplit(dir: string, name: string, examples: readonly TrainingExample[]): void {
  writeFileSync(path.join(dir, `${name}.jsonl`), jsonl(examples.map((e) => e.pair)));
  writeFileSync(path.join(dir, `${name}.chat.jsonl`), jsonl(examples.map((e) => e.chat)));
}

/** `kefu finetune`: over the conversations the server stores (the export source comes from src/compose/). */
export function finetuneCommand(adapters: Pick<CommandAdapters, 'exportSource'>): Command {
  const finetune = new Command('finetune').description('fine-tuning data from stored conversations');

  finetune
    .command('export')
    .description('write desensitised training pairs ({"context","response"} and chat-messages JSONL), split, with a PEFT adapter_config.json')
    .requiredOption('-o, --out <dir>', 'output folder')
    .option('--validation <ratio>', 'share of conversations held out for validation', '0.1')
    .option('--context-turns <n>', 'earlier turns kept as context', '6')
    .option('--base-model <name>', 'base model named in adapter_config.json', 'kefu-tiny-zh-en')
    .action(async (opts: { out: string; validation: string; contextTurns: string; baseModel: string }) => {
      const ratio = Number(opts.validation);
      if (!(ratio >= 0 && ratio < 1)) throw badRequest('invalid_validation', '--validation must be a number from 0 to below 1');
      const turns = Number(opts.contextTurns);
      if (!Number.isInteger(turns) || turns < 1 || turns > 50) throw badRequest('invalid_context_turns', '--context-turns must be an integer from 1 to 50');
      // Every node's conversations with KEFU_DATABASE_URL, else this data dir's.
      const source = await adapters.exportSource();
      const bar = new SingleBar({ format: 'exporting [{bar}] {value} conversations | {examples} examples', stream: process.stderr }, Presets.shades_classic);
      try {
        bar.start(0, 0, { examples: 0 });
        const ratings = await source.ratings();
        const result = await exportTrainingPairs(source.store, {
          ratingOf: (id) => ratings.get(id) ?? null,
          contextTurns: turns,
          validationRatio: ratio,
          systemPrompt: POLICY.zh,
          onProgress: ({ conversations, examples }) => {
            bar.setTotal(conversations);
            bar.update(conversations, { examples });
          },
        });
        bar.stop();
        const out = path.resolve(opts.out);
        mkdirSync(out, { recursive: true });
        writeSplit(out, 'train', result.train);
        writeSplit(out, 'validation', result.validation);
        writeFileSync(path.join(out, 'adapter_config.json'), `${JSON.stringify(peftAdapterConfig(opts.baseModel), null, 2)}\n`);
        const manifest = { createdAt: new Date().toISOString(), train: result.train.length, validation: result.validation.length, ...result.stats };
        writeFileSync(path.join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
        process.stdout.write(
          `exported ${result.train.length} train and ${result.validation.length} validation examples from ${result.stats.conversations} conversations ` +
            `(${result.stats.duplicates} duplicates dropped, skipped: ${JSON.stringify(result.stats.skipped)}) to ${out}\n`,
        );
        if (result.train.length === 0) process.stderr.write('warning: no training examples; chat with Kefu first or import conversations\n');
      } finally {
        bar.stop();
        await source.close();
      }
    });

  return finetune;
}
