import { DEMO_PRODUCTS } from '../../dialogue/entities/demo-products.ts';
import type { CatalogueProduct } from '../../dialogue/entities/find-products.ts';
import { findProducts } from '../../dialogue/entities/find-products.ts';
import { findOrderNumbers } from '../../dialogue/entities/find-order-numbers.ts';
import { orderIdCandidates } from '../../dialogue/entities/order-id-candidates.ts';
import { idShaped } from '../../dialogue/order-reference/find-order-reference.ts';

/** What is passed on when nothing in the picture is recognised: enough for a short note or error message. */
const MAX_PLAIN_CHARS = 300;

// A labelled code on a label or a screen ("型号:KF-P3", "错误代码 E03", "Model: AB-12"), or a bare
// display code (E3, F-02). Bounded repetitions over disjoint classes: linear.
const LABELLED_CODE = /(?:型号|规格型号|错误代码|错误码|故障代码|故障码|代码|model|error|code|err)\s?[:：]?\s?[A-Za-z0-9][A-Za-z0-9-]{0,19}/giu;
const DISPLAY_CODE = /(?<![A-Za-z0-9])[A-Z]{1,2}-?\d{1,3}(?![A-Za-z0-9])/g;

/**
 * The part of a picture's text that a turn should carry: the catalogue products it names, order
 * and waybill numbers, model numbers and error codes. A product label's ratings and an order
 * page's prices would only dilute the question for retrieval ("这个怎么安装?" plus forty words
 * of specifications matches no guide well). A picture with an order number is about that order
 * (an order page's product names would turn it into a product question): its order numbers alone.
 * Nothing recognised: the text itself, shortened.
 */
export function pictureTurnText(ocrText: string, products: readonly CatalogueProduct[] = DEMO_PRODUCTS): string {
  const text = ocrText.replace(/[ \t\u3000]+/g, ' ').replace(/\s*\n\s*/g, '\n').trim();
  const kept: string[] = [];
  const keep = (s: string) => {
    const t = s.trim();
    if (t.length > 0 && !kept.includes(t)) kept.push(t);
  };
  const orders = findOrderNumbers(text).filter((e) => e.type === 'order_id');
  // Named as the picture names it, so a turn with nothing typed is answered in the picture's language.
  const word = /\p{Script=Han}/u.test(text) ? '订单号' : 'order number';
  if (orders.length > 0) return [...new Set(orders.map((e) => e.value))].map((id) => `${word} ${id}`).join('\n');
  for (const p of findProducts(text, products)) keep(p.value);
  for (const c of orderIdCandidates(text)) if (idShaped(c, [])) keep(c.text);
  for (const m of text.matchAll(LABELLED_CODE)) keep(m[0]);
  if (kept.length === 0) for (const m of text.matchAll(DISPLAY_CODE)) keep(m[0]);
  if (kept.length > 0) return kept.join('\n');
  return text.length <= MAX_PLAIN_CHARS ? text : text.slice(0, MAX_PLAIN_CHARS);
}
