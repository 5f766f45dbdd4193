import type { Intent } from '../../contracts/reply-part.ts';
import type { FlowContext, FlowName } from '../flow-types.ts';
import { followsUpOnAnOrder } from './follows-up-on-an-order.ts';
import { wantsAction } from '../wants-action.ts';
import { itemNameScores } from './match-item-names.ts';
import { namesOnlyAnOrder } from './names-only-an-order.ts';
import { ownOrders } from './own-orders.ts';
import { refersToFocus } from './reference-words.ts';

/**
 * The order flow a message asks for because it is about one of the customer's own orders,
 * which the intent alone cannot tell: only an order number ("SO7X2K9M4P1Q0003"), a follow-up
 * on another order ("那个耳机呢"), an item of one of their orders with an order intent
 * ("耳机签收了吗", "has the vacuum flask shipped"), or a status question about the order just
 * discussed ("那它什么时候签收的"). Null when none applies; the intent then decides as usual.
 */
const STATUS = /到哪|到了|到货|签收|发货|寄出|物流|快递|运单|送达|还没到|什么时候到|\bship(?:ped|ping)?\b|\barriv(?:e|ed|ing)\b|\bdeliver(?:ed|y)?\b|\btracking\b|\bwhere\b|\bstatus\b/iu;

export async function ownOrderFlow(ctx: FlowContext, flowOf: (intent: Intent) => FlowName | null): Promise<FlowName | null> {
  if (namesOnlyAnOrder(ctx.text, ctx.nlu.entities) || (await followsUpOnAnOrder(ctx))) return 'order_status';
  if (ctx.userId === null || ctx.text.length > 200) return null;
  const intentFlow = flowOf(ctx.nlu.intent);
  // The intent starts its flow anyway: no need to look at the orders here.
  if (intentFlow !== null && wantsAction(ctx.nlu, ctx.text)) return null;
  const status = STATUS.test(ctx.text);
  if (intentFlow === null && !status) return null;
  if (status && ctx.orderMemory?.focusOrderId != null && refersToFocus(ctx.text)) return intentFlow ?? 'order_status';
  const named = itemNameScores(await ownOrders(ctx), ctx.text).some((s) => s > 0);
  return named ? (intentFlow ?? 'order_status') : null;
}
