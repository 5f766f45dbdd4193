import { Hono, type MiddlewareHandler } from 'hono';
import type { ConversationStore } from '../../contracts/conversation-store.ts';
import { notFound } from '../../errors.ts';
import type { AppEnv } from '../app-env.ts';
import { canSee } from '../auth.ts';

/** Admin view of a conversation; transcripts are stored masked, so this never shows raw PII. */
export function sessionRoutes(deps: { store: ConversationStore; agent: MiddlewareHandler<AppEnv> }) {
  const app = new Hono<AppEnv>();

  app.get('/v1/sessions/:id', deps.agent, async (c) => {
    const id = c.req.param('id');
    const conversation = await deps.store.getConversation(id);
    // Agents see their own tenant's conversations; another tenant's is "not found".
    if (conversation === null || !canSee(c.get('principal'), conversation.tenant)) throw notFound('session_not_found', `No session ${id}`);
    const messages = await deps.store.listMessages(id);
    return c.json({
      session_id: conversation.id,
      user_id: conversation.userId,
      tenant: conversation.tenant,
      channel: conversation.channel,
      created_at: new Date(conversation.createdAt).toISOString(),
      updated_at: new Date(conversation.updatedAt).toISOString(),
      messages: messages.map((m) => ({
        id: m.id,
        role: m.role,
        content: m.content,
        created_at: new Date(m.createdAt).toISOString(),
        meta: m.meta,
      })),
    });
  });

  return app;
}
