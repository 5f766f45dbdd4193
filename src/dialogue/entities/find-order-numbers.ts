import type { Entity } from '../../contracts/nlu.ts';
import { orderIdCandidates } from './order-id-candidates.ts';
import type { OrderIdPattern } from './order-id-pattern.ts';
import { longerFirst, pickNonOverlapping } from './pick-non-overlapping.ts';

type NumberType = 'order_id' | 'tracking_no';

/*
 * Order and tracking numbers. A number's own prefix decides first: the demo shop's orders are
 * `KF` + 8..12 digits, carriers print SF (顺丰) + 12..13 digits, YT (圆通) + 13, JD (京东) + 12 or
 * more, ZTO (中通) + 12..15. An unprefixed number is typed by the word before it: 订单号 / order
 * number make an order id (10..20 characters, letters then digits), 运单号 / 快递单号 / tracking
 * number / 中通 a tracking number (12..20 digits after up to three letters). With the shop's own
 * format (`KEFU_ORDER_ID_PATTERN`), any candidate span it matches is an order id too.
 */
const PREFIXED: [RegExp, NumberType][] = [
  // Customers copy KF numbers with spaces or hyphens ("KF 2026 1124 001").
  [/(?<![A-Za-z0-9])KF(?:[ -]?\d){8,12}(?![\dA-Za-z])/giu, 'order_id'],
  [/(?<![A-Za-z0-9])(?:SF\d{12,13}|YT\d{13}|JD\d{12,20}|ZTO\d{12,15})(?![\dA-Za-z])/giu, 'tracking_no'],
];
const WHOLE_PREFIXED = /^(?:KF\d{8,12}|SF\d{12,13}|YT\d{13}|JD\d{12,20}|ZTO\d{12,15})$/u;
const TOKEN = '([A-Za-z]{0,4}\\d(?:-?\\d){5,22})(?![\\dA-Za-z])';
// The spaces after "order" belong to the keyword only when a word follows ("order number"),
// otherwise to the separator: two `\s*` in a row made "order" + spaces quadratic (issue 13).
const SEPARATOR = '[\\s:：#是为]*';
const ORDER_KEY = new RegExp(`(?:订单编号|订单号|订单|(?<!快递|运|物流)单号|order(?:\\s*(?:number|no\\.?|id|#))?)${SEPARATOR}${TOKEN}`, 'giu');
const TRACKING_KEY = new RegExp(
  `(?:运单号|快递单号|物流单号|快递号|运单|中通(?:快递)?(?:单号)?|tracking(?:\\s*(?:number|no\\.?|id|#))?|waybill(?:\\s*(?:number|no\\.?))?)${SEPARATOR}${TOKEN}`,
  'giu',
);
const VALID: Record<NumberType, RegExp> = {
  order_id: /^(?=.{10,20}$)[A-Z]{0,4}\d+$/u,
  tracking_no: /^[A-Z]{0,3}\d{12,20}$/u,
};

const ASCII_DIGIT = /[0-9]/u;

function normalise(raw: string): string {
  return raw.replace(/[\s-]/gu, '').toUpperCase();
}

function prefixType(value: string): NumberType | null {
  if (!WHOLE_PREFIXED.test(value)) return null;
  return value.startsWith('KF') ? 'order_id' : 'tracking_no';
}

export function findOrderNumbers(text: string, pattern?: OrderIdPattern): Entity[] {
  const found: Entity[] = [];
  if (pattern !== undefined) {
    for (const c of orderIdCandidates(text)) {
      const value = pattern.match(c);
      if (value !== null) found.push({ type: 'order_id', text: c.text, start: c.start, end: c.end, value });
    }
  }
  const add = (type: NumberType, start: number, raw: string): void => {
    found.push({ type, text: raw, start, end: start + raw.length, value: normalise(raw) });
  };
  // Each pattern below needs an ASCII digit (the text comes with full-width digits folded).
  if (!ASCII_DIGIT.test(text)) return pickNonOverlapping(found, longerFirst);
  for (const [re, type] of PREFIXED) for (const m of text.matchAll(re)) add(type, m.index, m[0]);
  for (const [re, keyType] of [[ORDER_KEY, 'order_id'], [TRACKING_KEY, 'tracking_no']] as const) {
    for (const m of text.matchAll(re)) {
      const raw = m[1] ?? '';
      const value = normalise(raw);
      const type = prefixType(value) ?? keyType;
      if (VALID[type].test(value)) add(type, m.index + m[0].length - raw.length, raw);
    }
  }
  return pickNonOverlapping(found, longerFirst);
}
