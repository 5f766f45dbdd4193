import { Hono, type MiddlewareHandler } from 'hono';
import type { ConversationStore } from '../../contracts/conversation-store.ts';
import { KefuError, notFound } from '../../errors.ts';
import type { EraseSession } from '../../sessions/erase-session.ts';
import type { AppEnv } from '../app-env.ts';
import { canSee } from '../auth.ts';

/** Admin view of a conversation; transcripts are stored masked, so this never shows raw PII. */
export function sessionRoutes(deps: { store: ConversationStore; agent: MiddlewareHandler<AppEnv>; erase?: EraseSession }) {
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

  // Erasure (a customer's request to be forgotten): admin keys only, within their tenant.
  const erase = deps.erase;
  if (erase !== undefined) {
    app.delete('/v1/sessions/:id', deps.agent, async (c) => {
      const id = c.req.param('id');
      const principal = c.get('principal');
      if (principal?.role !== 'admin') throw new KefuError('forbidden', 'Deleting a session needs an admin key', { status: 403 });
      const conversation = await deps.store.getConversation(id);
      if (conversation === null || !canSee(principal, conversation.tenant)) throw notFound('session_not_found', `No session ${id}`);
      const deleted = await erase(id);
      if (!deleted) throw notFound('session_not_found', `No session ${id}`);
      return c.json({ session_id: id, deleted: true });
    });
  }

  return app;
}
