import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { loadConfig } from '../config/load-config.ts';
import { badRequest } from '../errors.ts';
import { loadDialogueScripts } from '../dialogue/scripts/dialogue-script.ts';
import { formatResults, runDialogueScript, type ScriptResult } from '../dialogue/scripts/run-dialogue-script.ts';
import { createLogger } from '../logging/create-logger.ts';
import { startServer } from '../server/start-server.ts';
import { simulateCommand } from '../eval-sim/simulate-command.ts';

/**
 * `kefu eval dialogues`: plays YAML dialogue scripts through the HTTP API, against a running
 * server (--url) or a throwaway in-process one built from the current configuration.
 */
export function evalCommand(): Command {
  const cmd = new Command('eval').description('evaluate Kefu against scripted conversations');
  cmd
    .command('dialogues')
    .description('play YAML dialogue scripts (files or folders) through POST /v1/chat and check every expectation')
    .argument('<paths...>', 'script files or folders of *.yaml')
    .option('--url <url>', 'a running Kefu server (default: a temporary in-process one with its own data dir)')
    .option('--now <time>', 'in-process only: pin the clock (ISO time), e.g. 2026-11-24T10:00:00+08:00 for the shipped scripts')
    .option('--json', 'print results as JSON')
    .action(async (paths: string[], opts: { url?: string; now?: string; json?: boolean }) => {
      const scripts = loadDialogueScripts(paths.map((p) => path.resolve(p)));
      let pinned: number | undefined;
      if (opts.now !== undefined) {
        pinned = Date.parse(opts.now);
        if (Number.isNaN(pinned)) throw badRequest('invalid_time', `--now is not a time: ${opts.now}`);
        if (opts.url !== undefined) throw badRequest('invalid_option', '--now only applies to the in-process server, not --url');
      }
      if (opts.url !== undefined && !URL.canParse(opts.url)) throw badRequest('invalid_url', `--url is not a URL: ${opts.url}`);

      let baseUrl = opts.url;
      let close = async () => {};
      if (baseUrl === undefined) {
        const dir = mkdtempSync(path.join(tmpdir(), 'kefu-eval-'));
        const config = { ...loadConfig({ ...process.env, KEFU_DATA_DIR: dir, KEFU_KEY_DIR: path.join(dir, 'keys'), PORT: '0', HOST: '127.0.0.1', KEFU_ADMIN_KEY: 'eval-admin-key-0123456789abcdef' }), rateLimitPerMinute: 1_000_000 };
        const server = await startServer(config, { logger: createLogger('warn', process.stderr), ...(pinned === undefined ? {} : { now: () => pinned! }) });
        baseUrl = server.url;
        close = async () => {
          await server.close();
          rmSync(dir, { recursive: true, force: true });
        };
      }
      const results: ScriptResult[] = [];
      try {
        for (const [i, script] of scripts.entries()) {
          const r = await runDialogueScript(script, { baseUrl });
          results.push(r);
          if (opts.json !== true) process.stderr.write(`[${i + 1}/${scripts.length}] ${r.passed ? 'pass' : 'FAIL'}  ${script.name}\n`);
        }
      } finally {
        await close();
      }
      process.stdout.write(opts.json === true ? `${JSON.stringify(results, null, 2)}\n` : `${formatResults(results)}\n`);
      if (results.some((r) => !r.passed)) process.exitCode = 1;
    });
  cmd.addCommand(simulateCommand());
  return cmd;
}
