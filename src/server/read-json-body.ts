import type { Context } from 'hono';
import type { z } from 'zod';
import { badRequest } from '../errors.ts';

/** Parses and validates a JSON body; malformed JSON and schema failures become 400s. */
export async function readJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const type = c.req.header('content-type') ?? '';
  if (!type.includes('application/json')) {
    throw badRequest('unsupported_media_type', 'Send the body as JSON with Content-Type: application/json');
  }
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw badRequest('invalid_json', 'The request body is not valid JSON');
  }
  return schema.parse(raw);
}
