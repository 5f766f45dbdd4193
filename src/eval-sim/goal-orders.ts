import type { Order } from '../contracts/order-connector.ts';
import type { GoalKind } from './sim-types.ts';

const DAY = 86_400_000;

/** Goals about no particular order. */
export const goalNeedsOrder = (kind: GoalKind): boolean => kind !== 'product_question' && kind !== 'human_request' && kind !== 'complaint';

/**
 * Whether an order is one a customer with this goal would bring up, and one the shop's rules
 * allow acting on (a return well inside the 7-day window, a cancel before shipping...), so a
 * failure is Kefu's and not the policy's. null: the goal is about no order.
 */
export function fitsGoal(kind: GoalKind, order: Order, now: number): boolean | null {
  const deliveredAgo = order.delivered_at === undefined ? Infinity : now - Date.parse(order.delivered_at);
  switch (kind) {
    case 'return':
      return order.status === 'delivered' && deliveredAgo < 6 * DAY;
    case 'exchange':
      return order.status === 'delivered' && deliveredAgo < 14 * DAY;
    case 'refund_status':
      return order.status === 'returned';
    case 'order_status':
      return order.status === 'shipped' || order.status === 'paid' || order.status === 'delivered';
    case 'address_change':
    case 'cancel':
      return order.status === 'paid' || order.status === 'pending_payment';
    case 'invoice':
      return order.status === 'paid' || order.status === 'shipped' || order.status === 'delivered';
    case 'product_question':
    case 'human_request':
    case 'complaint':
      return null;
  }
}
