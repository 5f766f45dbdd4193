import type { FlowName, FlowSpec } from './flow-types.ts';
import { createAddressChangeFlow } from './flows/address-change-flow.ts';
import { createCancelOrderFlow } from './flows/cancel-order-flow.ts';
import { invoiceFlow } from './flows/invoice-flow.ts';
import { orderStatusFlow } from './flows/order-status-flow.ts';
import { createReturnFlow } from './flows/return-flow.ts';
import { ticketOfferFlow } from './flows/ticket-offer-flow.ts';
import { DEFAULT_SHOP_POLICY, type ShopPolicy } from './policy/shop-policy.ts';

/** The flows, with the shop policy the writing ones check before collecting details. */
export function createFlowCatalog(policy: ShopPolicy): Record<FlowName, FlowSpec> {
  return {
    order_status: orderStatusFlow,
    return: createReturnFlow(policy),
    address_change: createAddressChangeFlow(policy),
    cancel_order: createCancelOrderFlow(policy),
    invoice: invoiceFlow,
    ticket_offer: ticketOfferFlow,
  };
}

export const FLOWS: Record<FlowName, FlowSpec> = createFlowCatalog(DEFAULT_SHOP_POLICY);
