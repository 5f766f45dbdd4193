import path from 'node:path';
import { Command } from 'commander';
import { loadConfig } from '../config/load-config.ts';
import { badRequest } from '../errors.ts';
import type { ApiKeyStore, KeyRole } from '../contracts/api-key-store.ts';
import { createPostgresApiKeyStore } from '../server/postgres-api-key-store.ts';
import { createSqliteApiKeyStore } from '../server/sqlite-api-key-store.ts';
import { createPool, createPostgresConversationStore } from '../store/postgres/postgres-conversation-store.ts';
import { createSqliteConversationStore } from '../store/sqlite/sqlite-conversation-store.ts';

/**
 * `kefu keys`: agent, channel and admin keys (the key is printed once), in KEFU_DATA_DIR, or in
 * PostgreSQL when KEFU_DATABASE_URL is set, where every node sees them.
 */
async function openKeys(): Promise<ApiKeyStore> {
  const config = loadConfig();
  if (config.databaseUrl !== null) {
    const pool = createPool(config.databaseUrl, 2);
    const store = createPostgresConversationStore({ pool });
    await store.migrate();
    await store.close();
    const keys = createPostgresApiKeyStore({ pool });
    return { ...keys, close: () => pool.end() };
  }
  const file = path.join(config.dataDir, 'kefu.db');
  const store = createSqliteConversationStore({ path: file });
  await store.migrate();
  await store.close();
  return createSqliteApiKeyStore({ path: file });
}

export function keysCommand(): Command {
  const cmd = new Command('keys').description('API keys for agents (agent API), channels (customer chat per tenant) and admins');
  cmd
    .command('create')
    .description('create a key and print it once (only its hash is stored)')
    .requiredOption('--name <name>', 'who or what uses it, e.g. the agent\'s name')
    .requiredOption('--role <role>', 'agent, channel or admin')
    .option('--tenant <tenant>', 'the tenant it acts for (default: default; an admin key without one administers every tenant)')
    .action(async (opts: { name: string; role: string; tenant?: string }) => {
      if (!['agent', 'channel', 'admin'].includes(opts.role)) throw badRequest('invalid_role', `--role must be agent, channel or admin, got ${opts.role}`);
      const keys = await openKeys();
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
      const keys = await openKeys();
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
      const keys = await openKeys();
      try {
        const k = await keys.revoke(id);
        process.stdout.write(`revoked ${k.role} key ${k.id} (${k.name})\n`);
      } finally {
        await keys.close();
      }
    });
  return cmd;
}
