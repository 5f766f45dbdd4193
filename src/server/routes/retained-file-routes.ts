import { Hono, type MiddlewareHandler } from 'hono';
import type { ConversationStore } from '../../contracts/conversation-store.ts';
import { notFound } from '../../errors.ts';
import type { RetainedFiles } from '../../contracts/retained-files.ts';
import type { AppEnv } from '../app-env.ts';
import { canSee } from '../auth.ts';

/**
 * A picture a customer sent, for the agent console: only while the session exists, only for an
 * agent of its tenant, and only when KEFU_IMAGE_RETENTION kept it. Served as the image it was
 * checked to be, never sniffed into something else, never cached.
 */
export function retainedFileRoutes(deps: { store: Pick<ConversationStore, 'getConversation'>; files: Pick<RetainedFiles, 'get'>; agent: MiddlewareHandler<AppEnv> }) {
  const app = new Hono<AppEnv>();
  app.get('/v1/sessions/:id/files/:fileId', deps.agent, async (c) => {
    const id = c.req.param('id');
    const conversation = await deps.store.getConversation(id);
    if (conversation === null || !canSee(c.get('principal'), conversation.tenant)) throw notFound('session_not_found', `No session ${id}`);
    const file = await deps.files.get(id, c.req.param('fileId'));
    if (file === null) throw notFound('file_not_found', 'No such file in this session (pictures are kept only with KEFU_IMAGE_RETENTION=on)');
    return c.body(new Uint8Array(file.bytes), 200, {
      'content-type': file.mime,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'content-disposition': 'inline',
    });
  });
  return app;
}
