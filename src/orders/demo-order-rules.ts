import type { OrderStatus, ReturnRequest } from '../contracts/order-connector.ts';

/**
 * The demo shop's after-sales rules (kb/demo-shop returns and exchanges), as pure functions.
 * A refusal carries a stable `reason` and an English message that says why.
 */
export interface Refusal {
  reason: string;
  message: string;
}

export interface RuleOrder {
  orderId: string;
  status: OrderStatus;
  deliveredAt: number | null;
  skus: readonly string[];
}

const DAY = 24 * 60 * 60 * 1000;
/** 7-day no-reason returns, counted from delivery. */
export const RETURN_WINDOW_MS = 7 * DAY;
/** Exchanges within 15 days of delivery. */
export const EXCHANGE_WINDOW_MS = 15 * DAY;

const CLOSED: Partial<Record<OrderStatus, Refusal>> = {
  cancelled: { reason: 'order_cancelled', message: 'has been cancelled' },
  returned: { reason: 'already_returned', message: 'has already been returned' },
};

function closed(order: RuleOrder): Refusal | null {
  const refusal = CLOSED[order.status];
  return refusal ? { reason: refusal.reason, message: `Order ${order.orderId} ${refusal.message}` } : null;
}

export function checkReturn(order: RuleOrder, request: ReturnRequest, now: number, hasOpenReturn: boolean): Refusal | null {
  const id = order.orderId;
  const refusal = closed(order);
  if (refusal) return refusal;
  if (hasOpenReturn)
    return { reason: 'return_open', message: `Order ${id} already has an open return request` };
  const unknown = (request.items ?? []).filter((sku) => !order.skus.includes(sku));
  if (unknown.length > 0)
    return { reason: 'item_not_in_order', message: `Order ${id} has no item ${unknown.join(', ')}` };
  if (order.status === 'pending_payment')
    return { reason: 'not_paid', message: `Order ${id} has not been paid; cancel it instead` };
  if (order.status === 'paid') {
    if (request.type === 'refund') return null;
    return { reason: 'not_delivered', message: `Order ${id} has not been delivered yet; only a refund is possible` };
  }
  if (order.status !== 'delivered' || order.deliveredAt === null)
    return { reason: 'not_delivered', message: `Order ${id} is on its way; a return is possible once it is delivered` };
  const window = request.type === 'refund' ? RETURN_WINDOW_MS : EXCHANGE_WINDOW_MS;
  if (now - order.deliveredAt > window) {
    const days = window / DAY;
    return request.type === 'refund'
      ? { reason: 'return_window_expired', message: `Order ${id} was delivered more than ${days} days ago; the ${days}-day return window has closed` }
      : { reason: 'exchange_window_expired', message: `Order ${id} was delivered more than ${days} days ago; exchanges are possible within ${days} days` };
  }
  return null;
}

/** Address changes and cancellation: only before the order ships. */
export function checkBeforeShipping(order: RuleOrder, action: 'change the address' | 'cancel'): Refusal | null {
  const id = order.orderId;
  if (order.status === 'pending_payment' || order.status === 'paid') return null;
  if (order.status === 'cancelled')
    return action === 'cancel'
      ? { reason: 'already_cancelled', message: `Order ${id} is already cancelled` }
      : { reason: 'order_cancelled', message: `Order ${id} has been cancelled` };
  return { reason: 'already_shipped', message: `Order ${id} has already shipped; it is no longer possible to ${action}` };
}
