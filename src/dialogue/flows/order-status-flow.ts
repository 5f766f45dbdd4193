import type { FlowSpec } from '../flow-types.ts';
import { orderSlot } from '../flow-types.ts';
import { describeOrder } from '../order-text.ts';
import { orderStep } from './order-step.ts';

/** "昨天下的单怎么还没发货?" / "where is my parcel": find the order, say where it is. */
export const orderStatusFlow: FlowSpec = {
  name: 'order_status',
  intents: ['order_status', 'logistics'],
  start: () => ({}),
  steps: [orderStep({})],
  finish: {
    kind: 'answer',
    answer: (slots, ctx) => describeOrder(orderSlot(slots)!, ctx.lang, ctx.timeZone),
  },
};
