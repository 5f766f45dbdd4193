import { Command } from 'commander';
import type { CommandAdapters } from '../compose/command-adapters.ts';
import { badRequest } from '../errors.ts';
import type { KeyRole } from '../contracts/api-key-store.ts';

/**
 * `kefu keys`: agent, channel and admin keys (the key is printed once), in KEFU_DATA_DIR, or in
 * PostgreSQL when KEFU_DATABASE_URL is set, where every node sees them.
 */
export function keysCommand(adapters: Pick<CommandAdapters, 'apiKeys'>): Command {
  const cmd = new Command('keys').description('API keys for agents (agent API), channels (customer chat per tenant) and admins');
  cmd
    .command('create')
    .description('create a key and print it once (only its hash is stored)')
    .requiredOption('--name <name>', 'who or what uses it, e.g. the agent\'s name')
    .requiredOption('--role <role>', 'agent, channel or admin')
    .option('--tenant <tenant>', 'the tenant it acts for (default: default; an admin key without one administers every tenant)')
    .action(async (opts: { name: string; role: string; tenant?: string }) => {
      if (!['agent', 'channel', 'admin'].includes(opts.role)) throw badRequest('invalid_role', `--role must be agent, channel or admin, got ${opts.role}`);
      const keys = await adapters.apiKeys();
      try {
        const { key, info } = await keys.create({ name: opts.name, role: opts.role as KeyRole, ...(opts.tenant === undefined ? {} : { tenant: opts.tenant }) });
        process.stdout.write(`${key}\n`);
        process.stderr.write(`created ${info.role} key ${info.id} for ${info.name} (tenant ${info.tenant}); store it now, it is not shown again\n`);
      } finally {
        await keys.close();
      }
    });
  cmd
    .command('list')
    .description('list keys (never the keys themselves)')
    .action(async () => {
      const keys = await adapters.apiKeys();
      try {
        for (const k of await keys.list()) {
          process.stdout.write(`${k.id}  ${k.role.padEnd(7)}  ${k.tenant.padEnd(12)}  ${k.name}${k.revokedAt === null ? '' : '  (revoked)'}\n`);
        }
      } finally {
        await keys.close();
      }
    });
  cmd
    .command('revoke')
    .argument('<id>', 'key id from `kefu keys list`')
    .description('revoke a key at once')
    .action(async (id: string) => {
      const keys = await adapters.apiKeys();
      try {
        const k = await keys.revoke(id);
        process.stdout.write(`revoked ${k.role} key ${k.id} (${k.name})\n`);
      } finally {
        await keys.close();
      }
    });
  return cmd;
}
