import { allMatches } from '../all-matches.ts';
import { applyContext, CODE_CUES, type ContextCues } from '../context.ts';
import type { PiiCandidate, PiiRecognizer } from '../pii-types.ts';

const PASSPORT_CUES: ContextCues = {
  positive: ['护照', 'passport', '证件'],
  negative: [...CODE_CUES, '通行证', '回乡证'],
  window: 14,
  boost: 0.35,
};
const PERMIT_CUES: ContextCues = {
  positive: ['通行证', '回乡证', '港澳', '往来', '来往', 'permit', 'hk/macau', '证件'],
  negative: [...CODE_CUES, '护照', 'passport'],
  window: 16,
  boost: 0.45,
};

// Chinese ordinary passports: E + 8 digits, E + letter + 7 digits (from 2017), G + 8 digits (older).
const CN_PASSPORT = /(?<![0-9A-Za-z])(?:[EG]\d{8}|E[A-HJ-NP-Z]\d{7})(?![0-9A-Za-z])/gi;
// Any other country's passport: up to two letters and 6 to 9 digits; only with a passport cue.
const OTHER_PASSPORT = /(?<![0-9A-Za-z])[A-Z]{0,2}\d{6,9}(?![0-9A-Za-z])/gi;
// Exit-entry permits for Hong Kong and Macau: C/W + 8 digits, C + letter + 7 digits (mainland
// residents); H/M + 8 or 10 digits (home-return permits of Hong Kong and Macau residents).
const PERMIT = /(?<![0-9A-Za-z])(?:[CW]\d{8}|C[A-HJ-NP-Z]\d{7}|[HM]\d{8}(?:\d{2})?)(?![0-9A-Za-z])/gi;

/** Passports: Chinese formats score on their own, foreign ones need "护照"/"passport" nearby. */
export const passportRecognizer: PiiRecognizer = {
  types: ['passport'],
  find(text) {
    const out: PiiCandidate[] = [];
    const seen = new Set<number>();
    for (const m of allMatches(CN_PASSPORT, text)) {
      seen.add(m.index);
      out.push({ type: 'passport', start: m.index, end: m.index + m[0].length, score: applyContext(text, m.index, 0.6, PASSPORT_CUES) });
    }
    for (const m of allMatches(OTHER_PASSPORT, text)) {
      if (seen.has(m.index)) continue;
      const score = applyContext(text, m.index, 0.2, Object.assign({}, PASSPORT_CUES, { boost: 0.6 }));
      if (score > 0.2) out.push({ type: 'passport', start: m.index, end: m.index + m[0].length, score });
    }
    return out;
  },
};

/** Hong Kong and Macau permits: the formats overlap with product codes, so a cue is needed. */
export const permitRecognizer: PiiRecognizer = {
  types: ['hk_macau_permit'],
  find(text) {
    return allMatches(PERMIT, text).map((m): PiiCandidate => ({
      type: 'hk_macau_permit',
      start: m.index,
      end: m.index + m[0].length,
      score: applyContext(text, m.index, 0.45, PERMIT_CUES),
    }));
  },
};
