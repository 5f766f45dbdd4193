import type { Intent } from '../../contracts/reply-part.ts';
import { AFTER_SALE_PHRASES } from './phrasebook-after-sale.ts';
import { CONVERSATION_PHRASES } from './phrasebook-conversation.ts';
import { ORDER_PHRASES } from './phrasebook-orders.ts';
import { SHOPPING_PHRASES } from './phrasebook-shopping.ts';

/**
 * The second training source (see generator.ts): per intent, the core of a customer turn in
 * Chinese and English, as templates (`{a|b|}` one alternative, `<NAME>` a vocabulary list in phrasebook-vocab.ts).
 * Written from the intent definitions in eval/nlu/README.md and from how shoppers write in chat
 * (terse, colloquial, a request frame around an action and an object), independently of the
 * templates in templates.ts and of every evaluation set. The generator wraps these cores in
 * registers, noise and typos; they stay short on purpose.
 */

export interface Phrasebook {
  zh: string[];
  en: string[];
}

/** Every intent's templates, split by domain into the phrasebook-*.ts files; the key order is the generator's. */
export const PHRASEBOOK: Record<Intent, Phrasebook> = {
  order_status: ORDER_PHRASES.order_status,
  logistics: ORDER_PHRASES.logistics,
  return: AFTER_SALE_PHRASES.return,
  refund: AFTER_SALE_PHRASES.refund,
  exchange: AFTER_SALE_PHRASES.exchange,
  address_change: ORDER_PHRASES.address_change,
  cancel_order: ORDER_PHRASES.cancel_order,
  invoice: ORDER_PHRASES.invoice,
  price_coupon: SHOPPING_PHRASES.price_coupon,
  product_question: SHOPPING_PHRASES.product_question,
  payment_problem: SHOPPING_PHRASES.payment_problem,
  complaint: AFTER_SALE_PHRASES.complaint,
  human_agent: CONVERSATION_PHRASES.human_agent,
  greeting: CONVERSATION_PHRASES.greeting,
  goodbye: CONVERSATION_PHRASES.goodbye,
  chitchat: CONVERSATION_PHRASES.chitchat,
  other: CONVERSATION_PHRASES.other,
};
