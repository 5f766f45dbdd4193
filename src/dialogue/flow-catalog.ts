import type { FlowName, FlowSpec } from './flow-types.ts';
import { addressChangeFlow } from './flows/address-change-flow.ts';
import { cancelOrderFlow } from './flows/cancel-order-flow.ts';
import { invoiceFlow } from './flows/invoice-flow.ts';
import { orderStatusFlow } from './flows/order-status-flow.ts';
import { returnFlow } from './flows/return-flow.ts';
import { ticketOfferFlow } from './flows/ticket-offer-flow.ts';

export const FLOWS: Record<FlowName, FlowSpec> = {
  order_status: orderStatusFlow,
  return: returnFlow,
  address_change: addressChangeFlow,
  cancel_order: cancelOrderFlow,
  invoice: invoiceFlow,
  ticket_offer: ticketOfferFlow,
};
