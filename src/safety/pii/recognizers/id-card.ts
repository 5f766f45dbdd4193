import { allMatches } from '../all-matches.ts';
import { isPlausibleLegacyId, isValidResidentId } from '../checksums.ts';
import { applyContext, CODE_CUES, type ContextCues } from '../context.ts';
import type { PiiCandidate, PiiRecognizer } from '../pii-types.ts';

const ID_CUES: ContextCues = {
  positive: ['身份证', '证件', '身份', '实名', '报关', '清关', 'id', 'id card', 'id no', '公民'],
  negative: [...CODE_CUES, '卡号', '银行卡', 'card', '信用卡'],
};

// 18 characters, optionally grouped 6-8-4 by spaces or dashes; 15 digits for first-generation cards.
const ID18 = /(?<![0-9A-Za-z])(\d{6})([ -]?)(\d{8})\2(\d{3}[\dXx])(?![0-9A-Za-z])/g;
const ID15 = /(?<![0-9A-Za-z])\d{15}(?![0-9A-Za-z])/g;

/**
 * Resident ID numbers. An 18-character number counts only with a valid region, birth date and
 * GB 11643 check character (so an 18-digit product code stays); a 15-digit one has no check digit
 * and needs a cue such as "身份证" nearby.
 */
export const idCardRecognizer: PiiRecognizer = {
  types: ['id_card'],
  find(text) {
    const out: PiiCandidate[] = [];
    for (const m of allMatches(ID18, text)) {
      if (!isValidResidentId(m[1]! + m[3]! + m[4]!)) continue;
      out.push({ type: 'id_card', start: m.index, end: m.index + m[0].length, score: applyContext(text, m.index, 0.9, ID_CUES) });
    }
    for (const m of allMatches(ID15, text)) {
      if (!isPlausibleLegacyId(m[0])) continue;
      out.push({ type: 'id_card', start: m.index, end: m.index + m[0].length, score: applyContext(text, m.index, 0.4, Object.assign({}, ID_CUES, { boost: 0.5 })) });
    }
    return out;
  },
};
