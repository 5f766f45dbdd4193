import { foldWidth } from '../entities/order-id-candidates.ts';

/**
 * The end of an order number the customer quotes: "尾号0003", "后四位是 0017", "0003结尾的",
 * "ending in 0003", "last four 0003", "last 4 digits are 0003". Upper-cased; null when none.
 * Linear: fixed keywords, bounded repetitions, no nested quantifiers.
 */
const BEFORE = /(?:尾号|尾数|末尾|(?:最)?后\s?[三四五六3-6]\s?位(?:数字)?|ending\s(?:in|with)|ends\s(?:in|with)|last\s(?:three|four|five|six|[3-6])(?:\s(?:digits|characters|chars))?)\s?(?:是|为|:|：|#|is|are)?\s?([A-Za-z0-9]{3,8})(?![A-Za-z0-9])/iu;
const AFTER = /(?<![A-Za-z0-9])([A-Za-z0-9]{3,8})\s?结尾/u;

export function findIdTail(text: string): string | null {
  const folded = foldWidth(text);
  const m = BEFORE.exec(folded) ?? AFTER.exec(folded);
  return m === null ? null : m[1]!.toUpperCase();
}
