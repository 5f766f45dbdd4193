import path from 'node:path';
import { Command } from 'commander';
import { loadConfig } from '../config/load-config.ts';
import { badRequest } from '../errors.ts';
import { createApiKeyStore, type KeyRole } from '../server/api-key-store.ts';
import { createSqliteConversationStore } from '../store/sqlite/sqlite-conversation-store.ts';

/** `kefu keys`: agent, channel and admin keys in KEFU_DATA_DIR (the key is printed once). */
async function openKeys() {
  const file = path.join(loadConfig().dataDir, 'kefu.db');
  const store = createSqliteConversationStore({ path: file });
  await store.migrate();
  await store.close();
  return createApiKeyStore({ path: file });
}

export function keysCommand(): Command {
  const cmd = new Command('keys').description('API keys for agents (agent API), channels (customer chat per tenant) and admins');
  cmd
    .command('create')
    .description('create a key and print it once (only its hash is stored)')
    .requiredOption('--name <name>', 'who or what uses it, e.g. the agent\'s name')
    .requiredOption('--role <role>', 'agent, channel or admin')
    .option('--tenant <tenant>', 'tenant for agent and channel keys', 'default')
    .action(async (opts: { name: string; role: string; tenant: string }) => {
      if (!['agent', 'channel', 'admin'].includes(opts.role)) throw badRequest('invalid_role', `--role must be agent, channel or admin, got ${opts.role}`);
      const keys = await openKeys();
      try {
        const { key, info } = keys.create({ name: opts.name, role: opts.role as KeyRole, tenant: opts.tenant });
        process.stdout.write(`${key}\n`);
        process.stderr.write(`created ${info.role} key ${info.id} for ${info.name} (tenant ${info.tenant}); store it now, it is not shown again\n`);
      } finally {
        keys.close();
      }
    });
  cmd
    .command('list')
    .description('list keys (never the keys themselves)')
    .action(async () => {
      const keys = await openKeys();
      try {
        for (const k of keys.list()) {
          process.stdout.write(`${k.id}  ${k.role.padEnd(7)}  ${k.tenant.padEnd(12)}  ${k.name}${k.revokedAt === null ? '' : '  (revoked)'}\n`);
        }
      } finally {
        keys.close();
      }
    });
  cmd
    .command('revoke')
    .argument('<id>', 'key id from `kefu keys list`')
    .description('revoke a key at once')
    .action(async (id: string) => {
      const keys = await openKeys();
      try {
        const k = keys.revoke(id);
        process.stdout.write(`revoked ${k.role} key ${k.id} (${k.name})\n`);
      } finally {
        keys.close();
      }
    });
  return cmd;
}
