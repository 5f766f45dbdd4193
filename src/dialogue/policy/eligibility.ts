import type { Order, OrderStatus } from '../../contracts/order-connector.ts';
import type { ShopPolicy } from './shop-policy.ts';

/**
 * Whether an order allows an after-sales action, from its own status and dates and the shop
 * policy. Pure: flows ask it before collecting details, and the refusal of a confirmed write is
 * explained with the same reasons (refusal-text.ts words them for the customer).
 */
export type AfterSalesAction = 'refund' | 'exchange' | 'cancel' | 'address_change';

export type RefusalReason =
  | 'not_paid'
  | 'not_shipped_exchange'
  | 'in_transit'
  | 'refund_window_expired'
  | 'exchange_window_expired'
  | 'return_open'
  | 'item_not_in_order'
  | 'already_shipped'
  | 'already_delivered'
  | 'already_cancelled'
  | 'order_cancelled'
  | 'already_returned'
  | 'not_allowed';

export interface Refusal {
  action: AfterSalesAction;
  reason: RefusalReason;
  order: Order;
}

const DAY = 86_400_000;

/** Whole days since delivery, or null when the order system did not say when it was delivered. */
export function daysSinceDelivery(order: Order, now: Date): number | null {
  if (order.delivered_at === undefined) return null;
  return Math.floor((now.getTime() - Date.parse(order.delivered_at)) / DAY);
}

/** Past the window: a window of 7 days still holds on day 7 after delivery. */
function windowClosed(order: Order, now: Date, days: number): boolean {
  const since = order.delivered_at === undefined ? null : now.getTime() - Date.parse(order.delivered_at);
  return since !== null && since > days * DAY;
}

function byStatus(action: AfterSalesAction, status: OrderStatus): RefusalReason {
  switch (status) {
    case 'pending_payment':
      return action === 'refund' || action === 'exchange' ? 'not_paid' : 'not_allowed';
    case 'paid':
      return action === 'exchange' ? 'not_shipped_exchange' : 'not_allowed';
    case 'shipped':
      return action === 'refund' || action === 'exchange' ? 'in_transit' : 'already_shipped';
    case 'delivered':
      return action === 'cancel' || action === 'address_change' ? 'already_delivered' : 'not_allowed';
    case 'cancelled':
      return action === 'cancel' ? 'already_cancelled' : 'order_cancelled';
    case 'returned':
      return 'already_returned';
  }
}

export function checkAction(action: AfterSalesAction, order: Order, policy: ShopPolicy, now: Date): Refusal | null {
  const statuses =
    action === 'refund' ? policy.returns.refundStatuses
    : action === 'exchange' ? policy.returns.exchangeStatuses
    : action === 'cancel' ? policy.cancel.statuses
    : policy.addressChange.statuses;
  if (!statuses.includes(order.status)) return { action, reason: byStatus(action, order.status), order };
  if (order.status !== 'delivered') return null;
  if (action === 'refund' && windowClosed(order, now, policy.returns.refundWindowDays)) return { action, reason: 'refund_window_expired', order };
  if (action === 'exchange' && windowClosed(order, now, policy.returns.exchangeWindowDays)) return { action, reason: 'exchange_window_expired', order };
  return null;
}

/**
 * A return of either kind: the refusal of the kind asked for, or, when the customer has not said
 * which, a refusal only if neither is possible (the refund's, which says the most).
 */
export function checkReturn(order: Order, type: 'refund' | 'exchange' | null, policy: ShopPolicy, now: Date): Refusal | null {
  if (type !== null) return checkAction(type, order, policy, now);
  const refund = checkAction('refund', order, policy, now);
  const exchange = checkAction('exchange', order, policy, now);
  return refund !== null && exchange !== null ? refund : null;
}

/** Within the warranty after delivery: offered when the return windows have closed. */
export function underWarranty(order: Order, policy: ShopPolicy, now: Date): boolean {
  return policy.returns.warrantyDays > 0 && order.delivered_at !== undefined && !windowClosed(order, now, policy.returns.warrantyDays);
}

/**
 * The refusal reasons order systems send (the demo's codes, and common variants), mapped onto
 * ours; null when the code is unknown. Codes whose meaning depends on the order's state (e.g.
 * `not_delivered`) are left to a fresh eligibility check.
 */
export function reasonFromCode(code: string | undefined): RefusalReason | null {
  switch (code?.toLowerCase()) {
    case 'not_paid':
    case 'unpaid':
      return 'not_paid';
    case 'return_window_expired':
    case 'refund_window_expired':
      return 'refund_window_expired';
    case 'exchange_window_expired':
      return 'exchange_window_expired';
    case 'return_open':
    case 'return_exists':
      return 'return_open';
    case 'item_not_in_order':
      return 'item_not_in_order';
    case 'already_shipped':
    case 'shipped':
      return 'already_shipped';
    case 'already_delivered':
    case 'delivered':
      return 'already_delivered';
    case 'already_cancelled':
      return 'already_cancelled';
    case 'order_cancelled':
    case 'cancelled':
      return 'order_cancelled';
    case 'already_returned':
    case 'returned':
      return 'already_returned';
    default:
      return null;
  }
}
