import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import type { OrderConnector } from '../contracts/order-connector.ts';
import { isKefuError, KefuError } from '../errors.ts';
import { readJsonBody } from '../server/read-json-body.ts';
import { isOrderError } from './order-error.ts';
import { addressRequestSchema, idempotencyKeySchema, returnRequestSchema, userIdSchema } from './order-schemas.ts';

export interface OrderSystemRoutesOptions {
  /** Receives unexpected errors; clients only see `internal_error`. */
  logger?: { error(details: Record<string, unknown>, message: string): void };
}

interface ErrorBody {
  error: { code: string; message: string; reason?: string };
}

/**
 * The order system's HTTP contract (ARCHITECTURE.md, "Order system connector") over any
 * `OrderConnector`, so the demo order system can run as a separate service that Kefu reaches
 * exactly as it reaches a merchant's. Errors are `{error: {code, message, reason?}}`.
 */
export function orderSystemRoutes(system: OrderConnector, options: OrderSystemRoutesOptions = {}) {
  const app = new Hono();

  app.onError((err, c) => {
    const { status, body } = toErrorBody(err);
    if (status >= 500) options.logger?.error({ err }, 'order system route failed');
    return c.json(body, status);
  });

  app.use(
    '/orders/*',
    bodyLimit({
      maxSize: 64 * 1024,
      onError: () => {
        throw new KefuError('body_too_large', 'The request body is larger than 64 KiB', { status: 413 });
      },
    }),
  );

  app.get('/orders', async (c) => {
    const userId = c.req.query('user_id');
    if (userId === undefined) throw new KefuError('invalid_request', 'Pass user_id', { status: 400 });
    const orders = await system.listOrders(userIdSchema.parse(userId), { signal: c.req.raw.signal });
    return c.json({ orders });
  });

  app.get('/orders/:id', async (c) => {
    const id = c.req.param('id');
    const order = await system.getOrder(id, { signal: c.req.raw.signal });
    if (order === null) throw new KefuError('order_not_found', `Order ${id} does not exist`, { status: 404 });
    return c.json(order);
  });

  app.post('/orders/:id/returns', async (c) => {
    const key = idempotencyKey(c);
    const { type, reason, items } = await readJsonBody(c, returnRequestSchema);
    const request = items === undefined ? { type, reason } : { type, reason, items };
    const receipt = await system.createReturn(c.req.param('id'), request, key);
    return c.json(receipt, 201);
  });

  app.post('/orders/:id/address', async (c) => {
    const key = idempotencyKey(c);
    const { address, recipient_name, recipient_phone } = await readJsonBody(c, addressRequestSchema);
    const id = c.req.param('id');
    await system.changeAddress(id, { address, ...(recipient_name === undefined ? {} : { recipient_name }), ...(recipient_phone === undefined ? {} : { recipient_phone }) }, key);
    return c.json({ order_id: id, address_changed: true });
  });

  app.post('/orders/:id/cancel', async (c) => {
    const key = idempotencyKey(c);
    const id = c.req.param('id');
    await system.cancelOrder(id, key);
    return c.json({ order_id: id, status: 'cancelled' });
  });

  return app;
}

function idempotencyKey(c: Context): string {
  const key = c.req.header('idempotency-key');
  if (key === undefined || !idempotencyKeySchema.safeParse(key).success)
    throw new KefuError('idempotency_key_required', 'Writes need an Idempotency-Key header of 1 to 255 characters', { status: 400 });
  return key;
}

function toErrorBody(err: unknown): { status: ContentfulStatusCode; body: ErrorBody } {
  if (isKefuError(err)) {
    const body: ErrorBody = { error: { code: err.code, message: err.status >= 500 && !isOrderError(err) ? 'Internal server error' : err.message } };
    if (isOrderError(err) && err.reason !== undefined) body.error.reason = err.reason;
    return { status: err.status as ContentfulStatusCode, body };
  }
  if (err instanceof z.ZodError) {
    const issue = err.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return { status: 400, body: { error: { code: 'invalid_request', message: `${where}${issue?.message ?? 'invalid request'}` } } };
  }
  return { status: 500, body: { error: { code: 'internal_error', message: 'Internal server error' } } };
}
