import { allMatches } from '../all-matches.ts';
import { applyContext, CODE_CUES, type ContextCues } from '../context.ts';
import type { PiiCandidate, PiiRecognizer } from '../pii-types.ts';
import { findInternationalPhones } from './international-phone.ts';

export const PHONE_CUES: ContextCues = {
  positive: ['手机', '电话', '联系', '号码', '微信', '短信', '打', 'phone', 'call', 'tel', 'mobile', 'text me', 'whatsapp', 'contact', '致电', '回电'],
  negative: [...CODE_CUES, '卡号', '身份证', '账单'],
};

// Mainland mobile: 1[3-9] and nine digits, written 11 in a row or 3-4-4 (spaces, dashes or dots, the same
// both times), with an optional +86 / 0086 / (+86).
export const MOBILE = /(?<![0-9A-Za-z+])(?:(?:\+|00)86[ -]?|\(\+?86\)[ -]?)?1[3-9]\d(?:([ .-]?)\d{4}\1\d{4})(?![0-9A-Za-z])/g;

/**
 * Mainland mobile numbers, and numbers with another country code (+44 20 7946 0958); order,
 * tracking and code cues push a number below the threshold.
 */
export const phoneRecognizer: PiiRecognizer = {
  types: ['phone'],
  find(text) {
    const out: PiiCandidate[] = [];
    for (const m of allMatches(MOBILE, text)) {
      out.push({ type: 'phone', start: m.index, end: m.index + m[0].length, score: applyContext(text, m.index, 0.85, PHONE_CUES) });
    }
    out.push(...findInternationalPhones(text, PHONE_CUES));
    return out;
  },
};
