import { z } from 'zod';
import { ORDER_STATUSES, type Order, type OrderStatus } from '../contracts/order-connector.ts';
import { OrderError } from './order-error.ts';

/**
 * The wire format of ARCHITECTURE.md, "Order system connector", as zod schemas: responses the
 * HTTP connector accepts, and requests both the connector and the demo order system accept.
 */

const isoTime = z.iso.datetime({ offset: true });
/** Many order systems send `null` for a field they do not have; both mean "absent". */
const absent = <T extends z.ZodType>(schema: T) => schema.nullish();

const orderItemSchema = z.object({
  sku: z.string().min(1),
  name: z.string(),
  qty: z.number().int().nonnegative(),
  price: z.number().nonnegative(),
});

export const orderSchema = z
  .object({
    order_id: z.string().min(1),
    user_id: z.string().min(1),
    status: z.enum(ORDER_STATUSES as [OrderStatus, ...OrderStatus[]]),
    created_at: isoTime,
    paid_at: absent(isoTime),
    shipped_at: absent(isoTime),
    delivered_at: absent(isoTime),
    carrier: absent(z.string()),
    tracking_no: absent(z.string()),
    total: z.number().nonnegative(),
    currency: z.string().min(1),
    items: z.array(orderItemSchema),
  })
  .transform(
    (o): Order => ({
      order_id: o.order_id,
      user_id: o.user_id,
      status: o.status,
      created_at: o.created_at,
      ...(o.paid_at == null ? {} : { paid_at: o.paid_at }),
      ...(o.shipped_at == null ? {} : { shipped_at: o.shipped_at }),
      ...(o.delivered_at == null ? {} : { delivered_at: o.delivered_at }),
      ...(o.carrier == null ? {} : { carrier: o.carrier }),
      ...(o.tracking_no == null ? {} : { tracking_no: o.tracking_no }),
      total: o.total,
      currency: o.currency,
      items: o.items,
    }),
  );

export const orderListSchema = z.object({ orders: z.array(orderSchema) });

export const returnReceiptSchema = z.object({ return_id: z.string().min(1), status: z.string().min(1) });

/** `{error: {code, message, reason?}}`, or the bare `{error: "message"}` some systems send. */
export const errorBodySchema = z.object({
  error: z.union([
    z.string(),
    z.object({ code: z.string().optional(), message: z.string().optional(), reason: z.string().optional() }),
  ]),
});

export const returnRequestSchema = z.object({
  type: z.enum(['refund', 'exchange']),
  reason: z.string().trim().min(1).max(1000),
  items: z.array(z.string().min(1)).min(1).optional(),
});

export const addressRequestSchema = z.object({
  address: z.string().trim().min(1).max(500),
  recipient_name: z.string().trim().min(1).max(100).optional(),
  recipient_phone: z.string().trim().min(3).max(40).optional(),
});

export const idempotencyKeySchema = z.string().min(1).max(255);

export const userIdSchema = z.string().min(1).max(255);

/** Validates a caller's argument; a failure is the caller's bug, `invalid_request` (400). */
export function parseArgument<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `.${issue.path.join('.')}` : '';
  throw new OrderError('invalid_request', `${what}${where}: ${issue?.message ?? 'invalid'}`, { cause: result.error });
}
