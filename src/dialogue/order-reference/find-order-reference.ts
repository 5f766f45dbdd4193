import type { Entity } from '../../contracts/nlu.ts';
import type { Order } from '../../contracts/order-connector.ts';
import { parseOrdinal } from '../confirmation.ts';
import { turnIdCandidates, orderIdKey, type IdCandidate } from '../entities/order-id-candidates.ts';
import { longerFirst, pickNonOverlapping } from '../entities/pick-non-overlapping.ts';
import { localDate } from '../order-text.ts';
import { findIdTail } from './find-id-tail.ts';
import { itemNameScores } from './match-item-names.ts';
import { namedOrdinal, refersToFocus } from './reference-words.ts';

/**
 * Which of the customer's own orders a message refers to, however it says so: the id in any
 * spelling (bare, spaced, lower case, with punctuation), its tracking number, its last digits
 * ("尾号0003"), a place in the list shown ("第二个"), what was bought or when ("保温杯那单",
 * "昨天买的"), or the order just discussed ("那单", "it"). An id-shaped token that is not one
 * of the customer's orders is `not_found`, never replaced by another order.
 */
export interface ReferenceInput {
  text: string;
  entities: readonly Entity[];
  /** The customer's orders, newest first (empty for an anonymous customer). */
  orders: readonly Order[];
  timeZone: string;
  /** Ids of the list the bot showed last, in its order. */
  shown?: readonly string[] | undefined;
  /** The step already asked with its own list: an order is no longer picked unprompted. */
  asked?: boolean;
  focusOrderId?: string | null | undefined;
  /** An order already chosen that the customer says is the wrong one. */
  exclude?: string | undefined;
  /** Orders to prefer when a description fits several (those the flow can act on). */
  prefer?: ((o: Order) => boolean) | undefined;
  /** An order outside `orders` by id (older ones); must return only orders this customer may see. */
  lookup(id: string): Promise<Order | null>;
}

export type ReferenceKind = 'id' | 'tracking' | 'tail' | 'ordinal' | 'description' | 'focus' | 'only';

export type OrderReference =
  | { kind: 'order'; order: Order; by: ReferenceKind; span?: { start: number; end: number } }
  | { kind: 'choice'; orders: Order[] }
  | { kind: 'not_found'; id: string; span: { start: number; end: number } }
  | { kind: 'no_tail'; tail: string }
  | { kind: 'no_match' }
  | { kind: 'out_of_range'; count: number }
  | { kind: 'none' };

/** Spans that are something else than an order number. */
const OTHER_ENTITY = new Set(['date', 'amount', 'phone', 'id_card', 'tracking_no']);

const digits = (s: string): number => s.replace(/\D/g, '').length;

/** Looks like an order number: 8..24 characters, not a word, enough digits or the shape of the customer's ids. */
export function idShaped(c: IdCandidate, ownKeys: readonly string[]): boolean {
  if (c.hasWord || c.key.length < 8 || c.key.length > 24) return false;
  if (digits(c.key) >= 5) return true;
  return ownKeys.some((k) => k.length === c.key.length && k.slice(0, 2) === c.key.slice(0, 2) && digits(c.key) >= 2);
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }): boolean => a.start < b.end && b.start < a.end;

function placedIn(order: Order, dates: readonly Entity[], timeZone: string, when: 'created' | 'any'): boolean {
  const times = when === 'created' ? [order.created_at] : [order.created_at, order.paid_at, order.shipped_at, order.delivered_at];
  return times.some((t) => {
    if (t === undefined) return false;
    const day = localDate(t, timeZone);
    return dates.some((d) => day >= d.value && day <= (d.endValue ?? d.value));
  });
}

function catalogueMatch(order: Order, products: readonly Entity[]): boolean {
  return products.some((p) => {
    const v = p.value.toLowerCase();
    return order.items.some((i) => i.name.toLowerCase().includes(v) || v.includes(i.name.toLowerCase()));
  });
}

interface UnlistedId {
  text: string;
  key: string;
  /** The spellings to look it up by: as written, then normalised. */
  forms: string[];
  start: number;
  end: number;
}

/** An order number the NLU recognised, or an id-shaped token, that is none of the customer's ids or tracking numbers. */
function unlistedId(candidates: readonly IdCandidate[], entities: readonly Entity[], byKey: ReadonlyMap<string, Order>, byTracking: ReadonlyMap<string, Order>): UnlistedId | null {
  const lookupForms = (...forms: string[]): string[] => [...new Set(forms)].filter((f) => /^[A-Za-z0-9-]+$/.test(f));
  const recognised = entities.find((e) => e.type === 'order_id' && !byKey.has(orderIdKey(e.value)));
  if (recognised !== undefined) {
    return { text: recognised.text, key: orderIdKey(recognised.value), forms: lookupForms(recognised.text.trim(), recognised.value), start: recognised.start, end: recognised.end };
  }
  const other = entities.filter((e) => OTHER_ENTITY.has(e.type));
  const ownKeys = [...byKey.keys()];
  const [shaped] = pickNonOverlapping(
    candidates.filter((c) => idShaped(c, ownKeys) && !byKey.has(c.key) && !byTracking.has(c.key) && !other.some((e) => overlaps(e, c))),
    longerFirst,
  );
  return shaped === undefined ? null : { text: shaped.text, key: shaped.key, forms: lookupForms(shaped.text.trim(), shaped.key), start: shaped.start, end: shaped.end };
}

const one = (orders: readonly Order[], by: ReferenceKind): OrderReference =>
  orders.length === 1 ? { kind: 'order', order: orders[0]!, by } : { kind: 'choice', orders: [...orders] };

/** The orders that fit what the customer said was bought and when; null when they said neither. */
function byDescription(orders: readonly Order[], input: ReferenceInput): OrderReference | null {
  const { text, entities, timeZone } = input;
  const dates = entities.filter((e) => e.type === 'date');
  const products = entities.filter((e) => e.type === 'product');
  const scores = itemNameScores(orders, text);
  const named = products.length > 0 || scores.some((s) => s > 0);
  if (dates.length === 0 && !named) return null;
  let pool = orders.map((o, i) => ({ o, score: Math.max(scores[i]!, catalogueMatch(o, products) ? 2 : 0) }));
  if (dates.length > 0) {
    const placed = pool.filter((p) => placedIn(p.o, dates, timeZone, 'created'));
    pool = placed.length > 0 ? placed : pool.filter((p) => placedIn(p.o, dates, timeZone, 'any'));
  }
  if (named) {
    const best = Math.max(0, ...pool.map((p) => p.score));
    pool = best === 0 ? [] : pool.filter((p) => p.score === best);
  }
  const fits = pool.map((p) => p.o);
  if (fits.length === 0) return { kind: 'no_match' };
  const preferred = input.prefer === undefined ? fits : fits.filter(input.prefer);
  return one(preferred.length > 0 ? preferred : fits, 'description');
}

export async function findOrderReference(input: ReferenceInput): Promise<OrderReference> {
  const { text, entities } = input;
  const orders = input.orders.filter((o) => o.order_id !== input.exclude);
  const byKey = new Map(input.orders.map((o) => [orderIdKey(o.order_id), o]));
  const byTracking = new Map(input.orders.filter((o) => o.tracking_no !== undefined).map((o) => [orderIdKey(o.tracking_no!), o]));
  const candidates = turnIdCandidates(text);

  // 1. One of the customer's ids, however written; or one of their tracking numbers.
  const own = pickNonOverlapping(candidates.filter((c) => byKey.has(c.key) && byKey.get(c.key)!.order_id !== input.exclude), longerFirst);
  if (own.length > 0) {
    const named = [...new Map(own.map((c) => [c.key, byKey.get(c.key)!])).values()];
    const first = own[0]!;
    return named.length === 1 ? { kind: 'order', order: named[0]!, by: 'id', span: { start: first.start, end: first.end } } : { kind: 'choice', orders: named };
  }
  const tracked = candidates.find((c) => byTracking.has(c.key) && byTracking.get(c.key)!.order_id !== input.exclude);
  if (tracked !== undefined) return { kind: 'order', order: byTracking.get(tracked.key)!, by: 'tracking', span: { start: tracked.start, end: tracked.end } };

  // 2. Something id-shaped that is not in the list: an older order of theirs, or not theirs.
  const unknown = unlistedId(candidates, entities, byKey, byTracking);
  if (unknown !== null && (input.exclude === undefined || unknown.key !== orderIdKey(input.exclude))) {
    const span = { start: unknown.start, end: unknown.end };
    for (const form of unknown.forms) {
      const order = await input.lookup(form);
      if (order !== null) return { kind: 'order', order, by: 'id', span };
    }
    return { kind: 'not_found', id: unknown.text.trim(), span };
  }

  // 3. The last digits of an id.
  const tail = findIdTail(text);
  if (tail !== null) {
    const ending = orders.filter((o) => orderIdKey(o.order_id).endsWith(tail));
    return ending.length === 0 ? { kind: 'no_tail', tail } : one(ending, 'tail');
  }

  // 3b. The last digits alone ("订单0003到哪了", "0021那单"): only when exactly one id ends so.
  const short = candidates.filter((c) => c.key.length >= 3 && c.key.length <= 8 && digits(c.key) >= 3 && !c.hasWord && !entities.some((e) => e.type !== 'product' && overlaps(e, c)));
  for (const c of short) {
    const ending = orders.filter((o) => orderIdKey(o.order_id).endsWith(c.key));
    if (ending.length === 1) return { kind: 'order', order: ending[0]!, by: 'tail' };
  }

  // 4. A place in the list shown, or "第二个订单" counted newest first when none was.
  const shown = input.shown !== undefined && input.shown.length > 0 ? input.shown : null;
  const place = shown !== null ? parseOrdinal(text) : namedOrdinal(text);
  if (place !== null) {
    const list = shown ?? orders.map((o) => o.order_id);
    const id = list[place - 1];
    if (id === undefined) return { kind: 'out_of_range', count: list.length };
    const order = byKey.get(orderIdKey(id)) ?? (await input.lookup(id));
    if (order !== null && order.order_id !== input.exclude) return { kind: 'order', order, by: 'ordinal' };
  }

  // 5. What was bought, and when.
  const described = byDescription(orders, input);
  if (described !== null) return described;

  // 6. The order just discussed.
  if (input.focusOrderId != null && input.focusOrderId !== input.exclude && refersToFocus(text)) {
    const order = byKey.get(orderIdKey(input.focusOrderId)) ?? (await input.lookup(input.focusOrderId));
    if (order !== null) return { kind: 'order', order, by: 'focus' };
  }

  // 7. Nothing said, no list shown yet, and only one order it can be (the only one the flow can act on).
  if (input.asked !== true) {
    const preferred = input.prefer === undefined ? orders : orders.filter(input.prefer);
    const only = preferred.length > 0 ? preferred : orders;
    if (only.length === 1) return { kind: 'order', order: only[0]!, by: 'only' };
  }
  return { kind: 'none' };
}
