import path from 'node:path';
import { Command } from 'commander';
import { loadConfig } from '../config/load-config.ts';
import { badRequest } from '../errors.ts';
import { startDemoOrderServer } from '../orders/start-demo-order-server.ts';

/** `kefu orders serve`: the demo order system as a separate HTTP service (KEFU_ORDERS_URL target). */
export function ordersCommand(): Command {
  const cmd = new Command('orders').description('the built-in demo order system');
  cmd
    .command('serve')
    .description('serve the demo order system over HTTP (the order connector contract in ARCHITECTURE.md)')
    .option('--port <port>', 'port to listen on', '8090')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--db <file>', 'SQLite file (seeded on first open)', '')
    .action(async (opts: { port: string; host: string; db: string }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw badRequest('invalid_port', `--port must be 0..65535, got ${opts.port}`);
      const db = opts.db === '' ? path.join(loadConfig().dataDir, 'demo-orders.db') : path.resolve(opts.db);
      const server = await startDemoOrderServer({ path: db, port, host: opts.host });
      process.stdout.write(`demo order system on ${server.url} (data: ${db}); set KEFU_ORDERS_URL=${server.url}\n`);
      const stop = () => void server.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  return cmd;
}
