import type { ChatReply } from '../contracts/reply-part.ts';
import type { Order } from '../contracts/order-connector.ts';
import type { SimGoal } from './draw-goal.ts';
import { HANDOFF_GOALS, type ObservedWrite, type SimCase, type SimTicket, type WorldSnapshot } from './sim-types.ts';
import { toSimplified } from './to-traditional.ts';
import { REASON_CLASSES, type ReasonClass } from './sim-vocabulary.ts';

export interface SimTurn {
  message: string;
  confirming: boolean;
  reply: ChatReply;
  /** Writes the order system showed after this turn that it did not show before it. */
  writes: ObservedWrite[];
}

export type WrongWriteKind = 'unconfirmed' | 'wrong_order' | 'wrong_action' | 'wrong_type';

export interface ConversationVerdict {
  resolved: boolean;
  transferred: boolean;
  turns: number;
  wrongWrites: { kind: WrongWriteKind; write: ObservedWrite }[];
  /** Why it is not resolved, in a word; null when resolved. */
  failure: string | null;
}

/** Differences between two snapshots of the customer's orders, as writes. */
export function diffWrites(before: WorldSnapshot, after: WorldSnapshot): ObservedWrite[] {
  const writes: ObservedWrite[] = [];
  for (const [orderId, now] of after) {
    const was = before.get(orderId);
    if (was === undefined) continue;
    if (now.status === 'cancelled' && was.status !== 'cancelled') writes.push({ kind: 'cancel', orderId });
    if (now.address !== null && now.address !== was.address) writes.push({ kind: 'address', orderId, address: now.address });
    for (const r of now.returns.slice(was.returns.length)) writes.push({ kind: 'return', orderId, type: r.type, reason: r.reason });
  }
  return writes;
}

const squash = (s: string): string => toSimplified(s).replace(/\s+/g, '').toLowerCase();

/** The reason class a stored reason reads as, by the simulator's own judge words; null: none or several. */
function reasonClassOf(reason: string): ReasonClass | null {
  const text = reason.toLowerCase();
  const hits = (Object.keys(REASON_CLASSES) as ReasonClass[]).filter((c) => REASON_CLASSES[c].judge.some((w) => text.includes(w.toLowerCase())));
  return hits.length === 1 ? hits[0]! : null;
}

function statusFacts(order: Order): string[][] {
  const id = order.order_id.toLowerCase();
  switch (order.status) {
    case 'shipped':
      return [[id, 'shipped'], [id, '发货'], [id, '运输']].concat(order.tracking_no === undefined ? [] : [[order.tracking_no.toLowerCase()]]);
    case 'paid':
      return [[id, '未发货'], [id, '备货'], [id, 'not shipped'], [id, 'being prepared']];
    case 'delivered':
      return [[id, '签收'], [id, 'delivered']];
    case 'returned':
      return [[id, '退货'], [id, 'returned']];
    default:
      return [[id]];
  }
}

const says = (replies: readonly string[], groups: readonly (readonly string[])[]): boolean =>
  replies.some((r) => groups.some((g) => g.every((f) => r.includes(squash(f)))));

/**
 * Judges one conversation from the outside: the order system's state (writes observed turn by
 * turn), the tickets filed, and the replies the customer read.
 */
export function judgeConversation(goal: SimGoal, simCase: SimCase, turns: readonly SimTurn[], tickets: readonly SimTicket[]): ConversationVerdict {
  const target = simCase.target;
  const sessionId = turns[0]?.reply.session_id;
  const mine = tickets.filter((t) => t.sessionId === sessionId);
  // Out of hours a ticket for a person is the handoff.
  const transferred = turns.some((t) => t.reply.handoff) || mine.some((t) => t.kind === 'handoff_after_hours');
  const replies = turns.map((t) => squash(t.reply.reply));
  const wrongWrites: ConversationVerdict['wrongWrites'] = [];
  const goalAction = goal.kind === 'return' || goal.kind === 'exchange' ? 'return' : goal.kind === 'address_change' ? 'address' : goal.kind === 'cancel' ? 'cancel' : null;
  for (const t of turns) {
    for (const w of t.writes) {
      if (!t.confirming) wrongWrites.push({ kind: 'unconfirmed', write: w });
      else if (w.kind !== goalAction) wrongWrites.push({ kind: 'wrong_action', write: w });
      else if (target === null || w.orderId !== target.order_id) wrongWrites.push({ kind: 'wrong_order', write: w });
      else if (w.kind === 'return' && w.type !== goal.type && target.status !== 'paid') wrongWrites.push({ kind: 'wrong_type', write: w });
    }
  }
  const writes = turns.flatMap((t) => t.writes).filter((w) => target !== null && w.orderId === target.order_id);
  const verdict = (resolved: boolean, failure: string): ConversationVerdict => ({
    resolved: resolved && wrongWrites.length === 0,
    transferred,
    turns: turns.length,
    wrongWrites,
    failure: resolved && wrongWrites.length === 0 ? null : wrongWrites.length > 0 ? `wrong_write:${wrongWrites[0]!.kind}` : transferred && !HANDOFF_GOALS.has(goal.kind) ? 'handoff' : failure,
  });

  switch (goal.kind) {
    case 'return':
    case 'exchange': {
      const ret = writes.find((w): w is Extract<ObservedWrite, { kind: 'return' }> => w.kind === 'return');
      if (ret === undefined) return verdict(false, 'no_write');
      const want = goal.correctedReason ?? goal.reason!;
      const got = reasonClassOf(ret.reason);
      return verdict(got === null || got === want, 'wrong_reason');
    }
    case 'address_change': {
      const addr = writes.find((w): w is Extract<ObservedWrite, { kind: 'address' }> => w.kind === 'address');
      if (addr === undefined) return verdict(false, 'no_write');
      // The whole stored address must come from what the customer gave as the address (the
      // recipient may be split off into its own fields): no request words, no "instead, asap".
      const bare = (s: string) => toSimplified(s).toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
      return verdict(bare(addr.address).includes(bare(goal.address!.key)) && bare(goal.address!.text).includes(bare(addr.address)), 'wrong_address');
    }
    case 'cancel':
      return verdict(writes.some((w) => w.kind === 'cancel'), 'no_write');
    case 'invoice': {
      const id = target!.order_id;
      const ticket = mine.find((t) => t.kind === 'invoice' && t.summary.includes(id));
      if (ticket === undefined) return verdict(false, 'no_ticket');
      return verdict(goal.invoice?.kind !== 'company' || ticket.summary.includes(goal.invoice.taxId!), 'wrong_invoice_details');
    }
    case 'order_status':
    case 'refund_status': {
      // An answer about this order alone: a list of the customer's orders ("which one?") shows
      // every status and answers nothing.
      const others = simCase.orders.filter((o) => o.order_id !== target!.order_id).map((o) => o.order_id.toLowerCase());
      const about = replies.filter((r) => !others.some((id) => r.includes(id)));
      if (goal.kind === 'order_status') return verdict(says(about, statusFacts(target!)), 'wrong_or_no_answer');
      // Where the refund is: the order's returned state said as a fact (not a refusal to return it
      // again), or when refunds arrive.
      const refusal = /无法|不能|不可以|notpossible|cannot|can't/;
      const stated = about.some((r) => !refusal.test(r) && statusFacts(target!).some((g) => g.every((f) => r.includes(squash(f)))));
      return verdict(stated || says(replies, [['工作日'], ['workingdays']]), 'wrong_or_no_answer');
    }
    case 'product_question':
      return verdict(says(replies, goal.question!.facts), 'wrong_or_no_answer');
    case 'human_request':
      return verdict(transferred, 'no_handoff');
    case 'complaint':
      return verdict(transferred || mine.some((t) => t.kind === 'complaint'), 'no_handoff_or_ticket');
  }
}
