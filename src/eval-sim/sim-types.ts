import type { ChatReply } from '../contracts/reply-part.ts';
import type { Order, OrderStatus } from '../contracts/order-connector.ts';
import type { Rng } from './seeded-random.ts';

export const GOAL_KINDS = ['return', 'exchange', 'refund_status', 'order_status', 'address_change', 'cancel', 'invoice', 'product_question', 'human_request', 'complaint'] as const;
export type GoalKind = (typeof GOAL_KINDS)[number];

/** Goals whose success is a person taking over: a handoff there is no failure. */
export const HANDOFF_GOALS: ReadonlySet<GoalKind> = new Set(['human_request', 'complaint']);

export type SimLang = 'zh-Hans' | 'zh-Hant' | 'en';

/** One customer set up for one conversation: who they are, their orders, the order the goal is about. */
export interface SimCase {
  userId: string;
  /** Newest first, as the order system lists them. */
  orders: Order[];
  /** null for goals about no order (product question, human request, complaint). */
  target: Order | null;
}

export interface ReturnFact {
  type: 'refund' | 'exchange';
  reason: string;
}

/** What the order system holds about one order, as far as the simulator can see it. */
export interface OrderFacts {
  status: OrderStatus;
  /** null where the order system does not show addresses and none was written. */
  address: string | null;
  returns: ReturnFact[];
}

export type WorldSnapshot = ReadonlyMap<string, OrderFacts>;

/** A write the order system shows after a turn that it did not show before. */
export type ObservedWrite =
  | { kind: 'return'; orderId: string; type: 'refund' | 'exchange'; reason: string }
  | { kind: 'address'; orderId: string; address: string }
  | { kind: 'cancel'; orderId: string };

/** The order system the customers live in: the demo one (fresh customers) or an external one. */
export interface SimWorld {
  readonly name: string;
  /** The clock Kefu should run on (the demo world moves it a day per conversation). */
  readonly now: () => number;
  /** Sets the scene for conversation `index`; null when no customer has an order fit for the goal. */
  prepare(kind: GoalKind, rng: Rng, index: number): Promise<SimCase | null>;
  snapshot(c: SimCase): Promise<WorldSnapshot>;
  close(): Promise<void>;
}

export interface SimTicket {
  kind: string;
  /** The conversation that filed it. */
  sessionId: string;
  userId: string | null;
  summary: string;
}

/** The bot under test, seen from the outside: a message in, the reply the customer sees out. */
export interface SimBot {
  turn(req: { message: string; userId: string; sessionId?: string }): Promise<ChatReply>;
  /** Tickets filed so far (invoice requests, complaints, after-hours handoffs). */
  tickets(): Promise<SimTicket[]>;
  close(): Promise<void>;
}
