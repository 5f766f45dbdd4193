import { loadConfig } from '../config/load-config.ts';
import { createKefu } from '../create-kefu.ts';
import { createLogger } from '../logging/create-logger.ts';
import type { SimBot, SimTicket } from './sim-types.ts';

/** Settings that would point the throwaway Kefu at shared infrastructure: the simulator never uses them. */
const SHARED = ['KEFU_DATABASE_URL', 'KEFU_REDIS_URL', 'KEFU_TICKETS_WEBHOOK_URL', 'KEFU_WECOM_CORP_ID', 'KEFU_WECOM_TOKEN', 'KEFU_WECOM_AES_KEY', 'KEFU_ORDERS_URL', 'PORT'];

/**
 * Kefu in-process, retrieval-only (KEFU_LLM=none: no model inference, so hundreds of
 * conversations take minutes on two cores), with its own data dir, talking to the given order
 * system (null: the demo order system in that data dir). The customer's messages go through the
 * same chat pipeline as POST /v1/chat.
 */
export async function createKefuSimBot(options: { env: NodeJS.ProcessEnv; dataDir: string; ordersUrl: string | null; now: () => number }): Promise<SimBot> {
  const env: Record<string, string | undefined> = { ...options.env };
  for (const k of SHARED) delete env[k];
  const config = loadConfig({
    ...env,
    KEFU_DATA_DIR: options.dataDir,
    KEFU_KEY_DIR: `${options.dataDir}/keys`, // a throwaway server: its keys go with its data dir
    KEFU_LLM: 'none',
    KEFU_ADMIN_KEY: 'simulator-admin-key-0123456789abcdef',
    KEFU_LOG_LEVEL: 'silent',
    ...(options.ordersUrl === null ? {} : { KEFU_ORDERS_URL: options.ordersUrl }),
  });
  const kefu = await createKefu(config, { logger: createLogger('silent', process.stderr), now: options.now, model: null });
  return {
    // In-process, the simulator holds the whole instance: it continues its sessions as a key would.
    turn: (req) => kefu.pipeline.run({ message: req.message, userId: req.userId, channel: 'web', ...(req.sessionId === undefined ? {} : { sessionId: req.sessionId, access: { trusted: true } }) }),
    async tickets() {
      const out: SimTicket[] = [];
      let before: string | undefined;
      for (;;) {
        const page = await kefu.tickets.list({ limit: 100, ...(before === undefined ? {} : { before }) });
        out.push(...page.tickets.map((t) => ({ kind: t.kind, sessionId: t.session_id, userId: t.user_id, summary: t.summary })));
        if (page.next === null) return out;
        before = page.next;
      }
    },
    close: () => kefu.close(),
  };
}
