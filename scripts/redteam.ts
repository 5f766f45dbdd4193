import { CommanderError } from 'commander';
import { redteamCommand } from '../src/redteam/redteam-command.ts';

/**
 * `npx tsx scripts/redteam.ts [options]`: the `kefu redteam` command on its own, e.g.
 * `npx tsx scripts/redteam.ts --write` to refresh BENCHMARKS.md and docs/redteam.svg.
 */
try {
  await redteamCommand().exitOverride().parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  process.stderr.write(`kefu: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
