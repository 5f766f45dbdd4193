import type { Entity, EntityType } from '../../contracts/nlu.ts';
import { DEMO_PRODUCTS } from './demo-products.ts';
import { findAmounts } from './find-amounts.ts';
import { findOrderNumbers } from './find-order-numbers.ts';
import type { OrderIdPattern } from './order-id-pattern.ts';
import { findPiiPlaceholders } from './find-pii-placeholders.ts';
import { findProducts, type CatalogueProduct } from './find-products.ts';
import { findTimeExpressions, type TimeOptions } from './normalize-time.ts';
import { pickNonOverlapping } from './pick-non-overlapping.ts';

export interface ExtractOptions extends TimeOptions {
  /** Catalogue products are found from; `DEMO_PRODUCTS` when absent, none with `[]`. */
  products?: readonly CatalogueProduct[];
  /** The shop's order-id format (KEFU_ORDER_ID_PATTERN), recognised besides KF numbers. */
  orderIdPattern?: OrderIdPattern;
}

// Where two readings overlap, the more specific kind wins: a placeholder or an order number is
// never also a date or an amount.
const RANK: Record<EntityType, number> = { phone: 0, id_card: 0, order_id: 1, tracking_no: 1, date: 2, amount: 3, product: 4 };

// Full-width digits and Latin letters (a Chinese IME in full-width mode: ＫＦ２０２６…) as ASCII.
// One UTF-16 unit for one, so offsets found in the folded text hold in the text as written.
const FULL_WIDTH_ALNUM = /[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/g;
const foldFullWidth = (text: string): string => text.replace(FULL_WIDTH_ALNUM, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));

/** All entities in already PII-masked text, sorted by start and non-overlapping. */
export function extractEntities(written: string, options: ExtractOptions): Entity[] {
  const text = foldFullWidth(written);
  const candidates = [
    ...findPiiPlaceholders(text),
    ...findOrderNumbers(text, options.orderIdPattern),
    ...findTimeExpressions(text, { now: options.now, timeZone: options.timeZone }),
    ...findAmounts(text),
    ...findProducts(text, options.products ?? DEMO_PRODUCTS),
  ];
  const picked = pickNonOverlapping(candidates, (a, b) =>
    RANK[a.type] - RANK[b.type] || b.end - b.start - (a.end - a.start) || a.start - b.start);
  return text === written ? picked : picked.map((e) => Object.assign({}, e, { text: written.slice(e.start, e.end) }));
}
