import type { NluResult } from '../contracts/nlu.ts';
import type { Intent } from '../contracts/reply-part.ts';
import type { Order, OrderConnector } from '../contracts/order-connector.ts';
import type { OrderMemory } from './order-reference/order-memory.ts';

export type Lang = 'zh' | 'en';

export type FlowName = 'order_status' | 'return' | 'address_change' | 'cancel_order' | 'invoice' | 'ticket_offer';

/** Slots are plain JSON so the flow state survives in the session state as is. */
export type Slots = Record<string, unknown>;

/** Persisted per session under `state.dialogue.flow`. */
export interface FlowState {
  name: FlowName;
  /** Current step id, or `confirm` once the summary was read back. */
  step: string;
  slots: Slots;
  /** Re-asks of the current step in a row; two in a row count as a failed turn. */
  reasks: number;
  /** Stable per flow instance: the idempotency key of its write. */
  id: string;
  startedAt: number;
}

export interface TicketRequest {
  kind: string;
  summary: string;
  idempotencyKey: string;
}

/** What a flow handler may use; everything with side effects comes through here. */
export interface FlowContext {
  lang: Lang;
  /** The user's message, PII-masked. */
  text: string;
  nlu: NluResult;
  sessionId: string;
  userId: string | null;
  now: Date;
  timeZone: string;
  orders: OrderConnector;
  requestTicket(ticket: TicketRequest): Promise<void>;
  /** Replaces this session's pseudonyms ([ADDRESS_1]) with the originals, for the order system only. */
  reveal(text: string): string;
  /** The order in focus and the list shown last; the order resolver updates it during the turn. */
  orderMemory?: OrderMemory;
  signal?: AbortSignal;
}

/**
 * A step fills one slot. `fill` reads the message: the slots to set when it answers the step,
 * a reply that keeps the step (e.g. "that order cannot be returned"), or null when the message
 * does not answer it at all (a digression or nonsense).
 */
export type FillResult =
  | { kind: 'filled'; slots: Slots; note?: string }
  | { kind: 'reply'; text: string; end?: boolean; slots?: Slots }
  | null;

/** A correction the flow cannot take ("改成退款" past the refund period): why, said before the question again. */
export interface Refused {
  refused: string;
}

export interface StepSpec {
  id: string;
  /** The step is skipped when its slot is already known (from the first message, an entity...). */
  done(slots: Slots): boolean;
  ask(slots: Slots, ctx: FlowContext): Promise<string> | string;
  fill(ctx: FlowContext, slots: Slots): Promise<FillResult> | FillResult;
  /**
   * Corrections outside the step's own turn ("不是这个订单,是上周那个"): a value the message
   * clearly gives for this slot, or null. Only steps whose slot can be recognised unprompted
   * implement it; free-text slots such as a reason do not.
   */
  correct?(ctx: FlowContext, slots: Slots): Promise<Slots | Refused | null> | Slots | Refused | null;
  /**
   * The value the message gives for this slot while another step is asked ("第一个,质量问题"
   * answers the order step and names the reason too), or null. Only values recognised with
   * confidence (a known reason category, "退款", an address pseudonym), never free text.
   */
  extract?(ctx: FlowContext, slots: Slots): Slots | null;
  /**
   * The step takes free text (a reason, an address): only an answer to its own question fills
   * it, never the message that started the flow.
   */
  freeText?: boolean;
  /** Slots that depend on this one and are cleared when it is corrected. */
  dependents?: readonly string[];
}

export interface FlowSpec {
  name: FlowName;
  /** Intents that start the flow (when the message asks for an action, see `wantsAction`). */
  intents: readonly Intent[];
  /** Called once when the flow starts, to prefill slots from the first message. */
  start(ctx: FlowContext): Slots;
  steps: readonly StepSpec[];
  /** Read-only flows answer at the end; writing flows read back a summary and wait for a yes. */
  finish:
    | { kind: 'answer'; answer(slots: Slots, ctx: FlowContext): Promise<string> | string }
    | { kind: 'confirm'; summary(slots: Slots, ctx: FlowContext): string; execute(slots: Slots, ctx: FlowContext, idempotencyKey: string): Promise<string> };
}

export const orderSlot = (slots: Slots): Order | undefined => slots['order'] as Order | undefined;
