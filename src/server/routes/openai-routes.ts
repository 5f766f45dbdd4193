import { randomUUID } from 'node:crypto';
import { Hono, type MiddlewareHandler } from 'hono';
import { sseResponse } from '../sse-response.ts';
import { z } from 'zod';
import type { ChatReply, ReplyPart } from '../../contracts/reply-part.ts';
import { KefuError, badRequest } from '../../errors.ts';
import type { Logger } from '../../logging/create-logger.ts';
import type { ChatPipeline, ChatRequest } from '../../pipeline/chat-pipeline.ts';
import type { AppEnv } from '../app-env.ts';
import { toErrorResponse } from '../error-handler.ts';
import { readJsonBody } from '../read-json-body.ts';
import { abortOnDisconnect, checkMessage, checkUserSignature, tenantOf } from './chat-routes.ts';
import { facadeSessionId } from '../../sessions/session-secret.ts';

const ContentPart = z.object({ type: z.string(), text: z.string().optional() });
const Message = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content: z.union([z.string(), z.array(ContentPart), z.null()]).optional(),
});
const CompletionBody = z.object({
  model: z.string().optional(),
  messages: z.array(Message).min(1, 'messages must contain at least one message'),
  stream: z.boolean().optional(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
  user: z.string().min(1).max(128).optional(),
  /** hex HMAC-SHA256 of `user` with KEFU_USER_ID_SECRET (or the X-Kefu-User-Sig header). */
  user_sig: z.string().max(128).optional(),
});

const textOf = (content: z.infer<typeof Message>['content']): string =>
  typeof content === 'string' ? content : (content ?? []).map((p) => p.text ?? '').join('');

const finishReason = (reply: ChatReply): 'stop' | 'length' =>
  reply.finish_reason === 'length' ? 'length' : 'stop';

const usageOf = (reply: ChatReply) => {
  const prompt = reply.usage?.inputTokens ?? 0;
  const completion = reply.usage?.outputTokens ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
};

/** A `user` must be signed when signatures are on, and needs a key or a signature: else it would be anyone's to name. */
function checkFacadeUser(user: string, signature: string | undefined, keyed: boolean, userIdSecret: string | null): void {
  checkUserSignature(user, signature, userIdSecret);
  if (!keyed && userIdSecret === null) {
    throw new KefuError('key_required', 'the user field needs a channel key (Authorization: Bearer) or, with KEFU_USER_ID_SECRET set, a signed user (user_sig)', { status: 401 });
  }
}

/**
 * OpenAI-compatible façade over the whole pipeline (retrieval, guards, sessions), so any OpenAI
 * client can talk to Kefu. The last user message is the turn; the `user` field names the
 * customer, whose conversation keeps the earlier turns server-side. That conversation belongs to
 * the caller's key and `user` together (its id is derived from both with the server's secret),
 * so naming a user opens nothing of another caller's, and `user` is signed like `user_id`.
 */
export function openaiRoutes(deps: { pipeline: ChatPipeline; maxMessageChars: number; logger: Logger; userIdSecret: string | null; sessionSecret: string; channel: MiddlewareHandler<AppEnv> }) {
  const app = new Hono<AppEnv>();

  app.get('/v1/models', (c) =>
    c.json({ object: 'list', data: [{ id: 'kefu', object: 'model', created: 0, owned_by: 'kefu' }] }),
  );

  app.post('/v1/chat/completions', deps.channel, async (c) => {
    const body = await readJsonBody(c, CompletionBody);
    const lastUser = [...body.messages].reverse().find((m) => m.role === 'user');
    if (lastUser === undefined) throw badRequest('no_user_message', 'messages must contain a user message');
    const message = checkMessage(textOf(lastUser.content), deps.maxMessageChars);
    const principal = c.get('principal');
    if (body.user !== undefined) checkFacadeUser(body.user, body.user_sig ?? c.req.header('x-kefu-user-sig'), principal !== undefined, deps.userIdSecret);
    const controller = abortOnDisconnect(c);
    const req: ChatRequest = {
      message,
      channel: 'api',
      signal: controller.signal,
      // The key (or the signature, for callers without one) is the proof: no token is asked for.
      ...(body.user === undefined ? {} : { sessionId: facadeSessionId(deps.sessionSecret, principal?.keyId ?? 'public', body.user), userId: body.user, createSession: true, access: { trusted: true } }),
      ...tenantOf(principal),
    };
    const id = `chatcmpl-${randomUUID()}`;
    const created = Math.floor(Date.now() / 1000);
    const model = body.model ?? 'kefu';

    if (body.stream !== true) {
      const reply = await deps.pipeline.run(req);
      return c.json({
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: reply.reply }, finish_reason: finishReason(reply), logprobs: null }],
        usage: usageOf(reply),
        kefu: reply,
      });
    }

    const parts = deps.pipeline.stream(req);
    const first = await parts.next();
    return sseResponse(c, async (stream) => {
      stream.onAbort(() => controller.abort());
      const chunk = (delta: Record<string, unknown>, finish: string | null) =>
        stream.writeSSE({ data: JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }] }) });
      try {
        await chunk({ role: 'assistant', content: '' }, null);
        const handle = async (part: ReplyPart) => {
          if (part.type === 'text-delta') await chunk({ content: part.text }, null);
          if (part.type === 'done') {
            await chunk({}, finishReason(part.reply));
            if (body.stream_options?.include_usage === true) {
              await stream.writeSSE({ data: JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: usageOf(part.reply) }) });
            }
          }
        };
        if (!first.done) await handle(first.value);
        for await (const part of parts) {
          if (stream.aborted) break;
          await handle(part);
        }
        if (!stream.aborted) await stream.writeSSE({ data: '[DONE]' });
      } catch (err) {
        const { body: errBody } = toErrorResponse(err, deps.logger);
        if (!stream.aborted) await stream.writeSSE({ data: JSON.stringify(errBody) });
      } finally {
        controller.abort();
      }
    });
  });

  return app;
}
