import { IncomingMessage } from 'node:http';

/** The Node request under a request served by @hono/node-server (`c.env.incoming`). */
export function nodeRequest(env: unknown): IncomingMessage | null {
  if (typeof env !== 'object' || env === null || !('incoming' in env)) return null;
  return env.incoming instanceof IncomingMessage ? env.incoming : null;
}
