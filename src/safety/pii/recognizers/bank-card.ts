import { allMatches } from '../all-matches.ts';
import { passesLuhn } from '../checksums.ts';
import { applyContext, CODE_CUES, type ContextCues } from '../context.ts';
import type { PiiCandidate, PiiRecognizer } from '../pii-types.ts';

const CARD_CUES: ContextCues = {
  positive: ['卡', '银行', '银联', '户名', '开户', '退到', '退款到', '打到', '工行', '农行', '建行', '中行', '招行', '交行', '储蓄', 'card', 'visa', 'mastercard', 'unionpay', 'jcb', 'debit', 'credit'],
  negative: [...CODE_CUES, '身份证', '证件'],
  boost: 0.15,
};

// 16 to 19 digits, in a row or in groups of four separated by spaces or dashes.
const CARD = /(?<![0-9A-Za-z])\d{4}([ -]?)\d{4}\1\d{4}\1\d{4}(?:\1\d{1,3})?(?![0-9A-Za-z])/g;

/** Issuer prefixes of the schemes used in China: UnionPay 62/60/81, Visa 4, Mastercard 51-55 and 22-27, JCB 35, old domestic 9. */
const KNOWN_PREFIX = /^(?:62|60|81|4|5[1-5]|2[2-7]|35|9[45])/;

/**
 * Bank cards: Luhn-valid numbers of 16 to 19 digits. A number with a known issuer prefix is a card
 * on its own; any other Luhn-valid number needs a card cue ("卡号", "card"), since one in ten
 * random numbers passes Luhn.
 */
export const bankCardRecognizer: PiiRecognizer = {
  types: ['bank_card'],
  find(text) {
    const out: PiiCandidate[] = [];
    for (const m of allMatches(CARD, text)) {
      const digits = m[0].replace(/\D/g, '');
      if (!passesLuhn(digits)) continue;
      const base = KNOWN_PREFIX.test(digits) ? 0.8 : 0.4;
      out.push({ type: 'bank_card', start: m.index, end: m.index + m[0].length, score: applyContext(text, m.index, base, CARD_CUES) });
    }
    return out;
  },
};
