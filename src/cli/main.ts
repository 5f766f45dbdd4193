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

const program = new Command()
  .name('kefu')
  .description('Kefu (客服): self-hosted intelligent customer service on Llama-family models')
  .version('0.1.0')
  .exitOverride();

program.addCommand(serveCommand());
program.addCommand(chatCommand());
program.addCommand(kbCommands());
program.addCommand(finetuneCommand());
program.addCommand(evalCommand());
program.addCommand(ordersCommand());
program.addCommand(keysCommand());
program.addCommand(auditCommands());
program.addCommand(redteamCommand());
program.addCommand(cacheCommands());

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  const message = isKefuError(err) ? `${err.message} (${err.code})` : err instanceof Error ? err.message : String(err);
  process.stderr.write(`kefu: ${message}\n`);
  process.exit(1);
}
