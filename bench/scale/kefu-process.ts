import { startKefu } from './common.ts';

/**
 * A Kefu server as its own process for bench/scale/turn-cost.ts: the env overrides come as JSON in
 * argv[2]; the first stdout line is `{"url": ...}`, then the server's own log lines (info level,
 * as a real server runs) follow on stdout.
 */
const kefu = await startKefu({ KEFU_LOG_LEVEL: 'info', ...(JSON.parse(process.argv[2] ?? '{}') as Record<string, string>) });
process.stdout.write(`${JSON.stringify({ url: kefu.url })}\n`);
process.on('SIGTERM', () => void kefu.destroy().then(() => process.exit(0)));
