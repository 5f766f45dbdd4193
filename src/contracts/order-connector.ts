/**
 * The merchant's order system, as Kefu calls it (ARCHITECTURE.md, "Order system connector").
 * The HTTP adapter talks to `KEFU_ORDERS_URL`; the built-in demo order system serves the same
 * HTTP contract and is the default.
 *
 * Adapters reject with a `KefuError` whose `code` is one of `OrderConnectorErrorCode`, never with
 * a fetch or driver error, so flows behave the same on every order system.
 */
export type OrderStatus = 'pending_payment' | 'paid' | 'shipped' | 'delivered' | 'cancelled' | 'returned';

export const ORDER_STATUSES: readonly OrderStatus[] = ['pending_payment', 'paid', 'shipped', 'delivered', 'cancelled', 'returned'];

export interface OrderItem {
  sku: string;
  name: string;
  qty: number;
  price: number;
}

/** Field names are the wire format's (snake_case), times are ISO 8601 strings. */
export interface Order {
  order_id: string;
  user_id: string;
  status: OrderStatus;
  created_at: string;
  paid_at?: string;
  shipped_at?: string;
  delivered_at?: string;
  carrier?: string;
  tracking_no?: string;
  total: number;
  currency: string;
  items: OrderItem[];
}

export interface ReturnRequest {
  type: 'refund' | 'exchange';
  reason: string;
  /** SKUs; all items when absent. */
  items?: string[];
}

/**
 * An address change as the order system receives it. `address` is one string in whatever format
 * the customer wrote it (Chinese or international); the recipient's name and phone travel only
 * when the customer gave them with the address.
 */
export interface AddressChange {
  address: string;
  recipient_name?: string;
  recipient_phone?: string;
}

export interface ReturnReceipt {
  return_id: string;
  status: string;
}

export type OrderConnectorErrorCode =
  /** 409: the order system refused a write (not eligible, already shipped...); message says why. */
  | 'order_not_eligible'
  /** 404 on a write: the order does not exist. */
  | 'order_not_found'
  /** 503: unreachable, timed out or 5xx after retries; retryable. */
  | 'order_system_unavailable'
  /** 502: the order system answered something that does not follow the contract. */
  | 'order_system_bad_response';

export interface OrderCallOptions {
  signal?: AbortSignal;
}

export interface OrderConnector {
  /** null when the order does not exist (404). */
  getOrder(orderId: string, options?: OrderCallOptions): Promise<Order | null>;
  /** Newest first. */
  listOrders(userId: string, options?: OrderCallOptions): Promise<Order[]>;
  /**
   * Writes carry an idempotency key: the same key returns the same result and never creates a
   * second return / change, so a retried request is safe.
   */
  createReturn(orderId: string, request: ReturnRequest, idempotencyKey: string, options?: OrderCallOptions): Promise<ReturnReceipt>;
  /** A bare string is the address alone. */
  changeAddress(orderId: string, change: string | AddressChange, idempotencyKey: string, options?: OrderCallOptions): Promise<void>;
  cancelOrder(orderId: string, idempotencyKey: string, options?: OrderCallOptions): Promise<void>;
}
