import { allMatches } from '../all-matches.ts';
import { applyContext, CODE_CUES, type ContextCues } from '../context.ts';
import type { PiiCandidate, PiiRecognizer } from '../pii-types.ts';

const LANDLINE_CUES: ContextCues = {
  positive: ['座机', '电话', '热线', '客服', '前台', '办公', '联系', '号码', '打', 'call', 'tel', 'phone', 'line', 'fax', '传真'],
  negative: [...CODE_CUES, '金额', '价格', '账号'],
};

// Area code 010, 02x or 0[3-9]xx (in parentheses or not), then a 7- or 8-digit local number not
// starting with 0, 1 or 9; or +86 without the trunk 0. 400/800 service numbers: 10 digits.
const LANDLINE = /(?<![0-9A-Za-z+])(?:\((0(?:10|2\d|[3-9]\d\d))\)|(0(?:10|2\d|[3-9]\d\d))|(?:\+|00)86[ -]?\(?((?:10|2\d|[3-9]\d\d))\)?)([ -]?)([2-8]\d{2,3}[ -]?\d{4})(?![0-9A-Za-z])/g;
// Not the national part of a +country number ("+1 800 555 0100"): the phone recognizer takes that whole.
const SERVICE = /(?<![0-9A-Za-z])(?<!\+\d{1,3}[ .-])[48]00([ -]?)\d{3}\1\d{4}(?![0-9A-Za-z])/g;

/** Fixed-line numbers with a valid area-code shape, and 400/800 service numbers. */
export const landlineRecognizer: PiiRecognizer = {
  types: ['landline'],
  find(text) {
    const out: PiiCandidate[] = [];
    for (const m of allMatches(LANDLINE, text)) {
      const area = (m[1] ?? m[2] ?? `0${m[3] ?? ''}`).replace(/\D/g, '');
      const local = m[5]!.replace(/\D/g, '');
      // Three-digit area codes (010, 02x) go with eight-digit local numbers.
      if (area.length === 3 && local.length !== 8) continue;
      const separated = m[1] !== undefined || m[3] !== undefined || m[4] !== '';
      out.push({ type: 'landline', start: m.index, end: m.index + m[0].length, score: applyContext(text, m.index, separated ? 0.8 : 0.6, LANDLINE_CUES) });
    }
    for (const m of allMatches(SERVICE, text)) {
      out.push({ type: 'landline', start: m.index, end: m.index + m[0].length, score: applyContext(text, m.index, m[1] === '' ? 0.6 : 0.8, LANDLINE_CUES) });
    }
    return out;
  },
};
