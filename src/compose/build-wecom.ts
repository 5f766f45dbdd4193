import path from 'node:path';
import type { Hono } from 'hono';
import { createQueuedWecomSender } from '../channels/wecom/queued-wecom-sender.ts';
import { createRedisWecomDedupe } from '../channels/wecom/redis-wecom-dedupe.ts';
import { createSqliteWecomDedupe } from '../channels/wecom/sqlite-wecom-dedupe.ts';
import { createWecomClient, type WecomMedia, type WecomSender } from '../channels/wecom/wecom-client.ts';
import { createWecomCrypto } from '../channels/wecom/wecom-crypto.ts';
import { wecomRoutes } from '../channels/wecom/wecom-routes.ts';
import type { JobQueue } from '../contracts/job-queue.ts';
import { KefuError } from '../errors.ts';
import type { AttachmentReaders } from '../multimodal/read-attachments.ts';
import type { ChatPipeline } from '../pipeline/chat-pipeline.ts';
import type { UserIdSealer } from '../safety/pii/stored-user-id.ts';
import type { RootContext } from './root-context.ts';

export interface WecomParts {
  pipeline: ChatPipeline;
  queue: JobQueue;
  userIds: UserIdSealer;
  sessionSecret: string;
  attachments: AttachmentReaders;
}

/** A sender for when WeCom's API is not configured: a slow reply fails, saying what to set. */
const unconfigured: WecomSender = {
  sendText: async () => {
    throw new KefuError('wecom_not_configured', 'set KEFU_WECOM_SECRET and KEFU_WECOM_AGENT_ID');
  },
};

/**
 * The WeCom callback routes (null without KEFU_WECOM_*). Replies slower than WeCom's window go out
 * through its API via the job queue; members' pictures are fetched through the same client.
 */
export function buildWecom(ctx: RootContext, parts: WecomParts): Hono | null {
  const { config, logger } = ctx;
  const w = config.wecom;
  if (w === null) return null;
  // A delivery WeCom retries may reach another node: with Redis, every node dedupes together.
  const ttlMs = Math.max(3_600_000, 2 * config.wecomTimestampWindowMs);
  const dedupe = config.redisUrl === null ? createSqliteWecomDedupe({ path: path.join(config.dataDir, 'wecom.db'), ttlMs }) : createRedisWecomDedupe({ url: config.redisUrl, ttlMs, logger });
  ctx.closing.defer(() => dedupe.close());
  let client = unconfigured;
  let media: WecomMedia | undefined;
  if (w.secret !== null && w.agentId !== null) {
    const api = createWecomClient({ corpId: w.corpId, secret: w.secret, agentId: w.agentId, ...(w.apiBase === null ? {} : { baseUrl: w.apiBase }) });
    media = api;
    // A member named by phone number is queued with the UserID sealed, like a ticket's customer.
    const sender = createQueuedWecomSender({ queue: parts.queue, client: api, userIds: parts.userIds });
    ctx.closing.defer(sender.start());
    client = sender;
  } else {
    logger.warn('KEFU_WECOM_SECRET / KEFU_WECOM_AGENT_ID unset: WeCom replies slower than 4 s cannot be delivered');
  }
  return wecomRoutes({
    crypto: createWecomCrypto({ token: w.token, encodingAesKey: w.encodingAesKey, corpId: w.corpId }),
    pipeline: parts.pipeline,
    client,
    dedupe,
    logger,
    timestampWindowMs: config.wecomTimestampWindowMs,
    maxMessageChars: config.maxMessageChars,
    sessionSecret: parts.sessionSecret,
    ...(media === undefined ? {} : { media }),
    attachments: parts.attachments,
    maxImageBytes: config.images.maxBytes,
    maxAudioBytes: config.voice.maxBytes,
  });
}
