import type { Order } from '../../contracts/order-connector.ts';
import type { FlowContext } from '../flow-types.ts';

/**
 * The customer's orders, fetched from the order system at most once per turn however many steps
 * need them (the list question, the reference, a correction). Keyed by the turn's context.
 */
const perTurn = new WeakMap<FlowContext, Promise<Order[]>>();

export function ownOrders(ctx: FlowContext): Promise<Order[]> {
  if (ctx.userId === null) return Promise.resolve([]);
  let orders = perTurn.get(ctx);
  if (orders === undefined) {
    orders = ctx.orders.listOrders(ctx.userId, ctx.signal ? { signal: ctx.signal } : {});
    perTurn.set(ctx, orders);
    // A failed fetch is not remembered: the next step of the turn may try again.
    orders.catch(() => perTurn.delete(ctx));
  }
  return orders;
}
