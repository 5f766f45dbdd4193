import { Command, CommanderError } from 'commander';
import { isKefuError } from '../errors.ts';
import { chatCommand } from './chat-command.ts';
import { evalCommand } from './eval-command.ts';
import { keysCommand } from './keys-command.ts';
import { auditCommands } from '../audit/audit-commands.ts';
import { redteamCommand } from '../redteam/redteam-command.ts';
import { cacheCommands } from '../cache/cache-commands.ts';
import { ordersCommand } from './orders-command.ts';
import { finetuneCommand } from './finetune-command.ts';
import { kbCommands } from './kb-commands.ts';
import { serveCommand } from './serve-command.ts';
import { loadConfig } from '../config/load-config.ts';
import { createCommandAdapters } from '../compose/command-adapters.ts';

// The commands' adapters come from the composition root's rules (src/compose/), never from a command.
const adapters = createCommandAdapters(() => loadConfig());

const program = new Command()
  .name('kefu')
  .description('Kefu (客服): self-hosted intelligent customer service on Llama-family models')
  .version('0.1.0')
  .exitOverride();

program.addCommand(serveCommand());
program.addCommand(chatCommand());
program.addCommand(kbCommands(adapters));
program.addCommand(finetuneCommand(adapters));
program.addCommand(evalCommand());
program.addCommand(ordersCommand());
program.addCommand(keysCommand(adapters));
program.addCommand(auditCommands(adapters));
program.addCommand(redteamCommand());
program.addCommand(cacheCommands(adapters));

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  const message = isKefuError(err) ? `${err.message} (${err.code})` : err instanceof Error ? err.message : String(err);
  process.stderr.write(`kefu: ${message}\n`);
  process.exit(1);
}
