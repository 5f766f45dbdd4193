import { ServerResponse } from 'node:http';
import type { Context } from 'hono';

/** The Node response under a request served by @hono/node-server (`c.env.outgoing`). */
export function nodeResponse(env: unknown): ServerResponse | null {
  if (typeof env !== 'object' || env === null || !('outgoing' in env)) return null;
  return env.outgoing instanceof ServerResponse ? env.outgoing : null;
}

/**
 * Sets a response header of the request. Served by Node, on the Node response, which merges it
 * into the head the handler's response writes: through `c.header` Hono keeps a web `Headers`
 * object for the response (undici's, validated on every set) and the adapter copies it into the
 * head again (issue 16). Without Node (`app.request`), through `c.header` as before.
 */
export function setResponseHeader(c: Context, name: string, value: string): void {
  const out = nodeResponse(c.env);
  if (out === null) c.header(name, value);
  else out.setHeader(name, value);
}
