import cluster from 'node:cluster';
import { Command } from 'commander';
import { loadConfig } from '../config/load-config.ts';
import { runPrimary } from '../cluster/run-primary.ts';
import { runWorker } from '../cluster/run-worker.ts';
import { workerCount } from '../cluster/worker-count.ts';
import { startServer } from '../server/start-server.ts';

export function serveCommand(): Command {
  return new Command('serve')
    .description('start the HTTP server (configuration from environment variables, see README)')
    .option('-p, --port <port>', 'port to listen on (overrides PORT)')
    .option('-w, --workers <n>', 'HTTP worker processes sharing the port (overrides KEFU_WORKERS; default one per core; 1: a single process)')
    .action(async (opts: { port?: string; workers?: string }) => {
      const config = loadConfig({ ...process.env, ...(opts.port === undefined ? {} : { PORT: opts.port }) });
      if (cluster.isWorker) return runWorker(config);
      const workers = workerCount(opts.workers);
      if (workers > 1) return runPrimary(config, workers);
      const server = await startServer(config);
      if (server.kefu.generatedAdminKey !== null) {
        process.stderr.write(
          `\nGenerated admin API key (shown once, only its hash is stored in ${config.dataDir}):\n  ${server.kefu.generatedAdminKey}\n` +
            'Set KEFU_ADMIN_KEY to choose your own.\n\n',
        );
      }
      process.stderr.write(`Kefu is listening on ${server.url} (LLM: ${server.kefu.model?.id ?? 'retrieval-only'})\n`);
      const stop = async () => {
        await server.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
}
