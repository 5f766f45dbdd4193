import { allMatches } from '../all-matches.ts';
import { applyContext, CODE_CUES, type ContextCues } from '../context.ts';
import type { PiiCandidate, PiiRecognizer } from '../pii-types.ts';

const PLATE_CUES: ContextCues = {
  positive: ['车牌', '车号', '牌照', '车', 'plate', 'etc', '停车'],
  negative: CODE_CUES,
};

const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
const L = 'A-HJ-NP-Z'; // plate letters: no I or O
// Province, issuing-authority letter, optional separator, then either a new-energy body (D/F and
// five more, or five digits and D/F: 8 characters in all) or the ordinary five characters, the
// last of which may be 挂 (trailer), 学 (driving school), 警, 港 or 澳.
const PLATE = new RegExp(
  `[${PROVINCES}][${L}](?:[·•・ -])?(?:[DF][${L}0-9]\\d{4}|\\d{5}[DF]|[${L}0-9]{4}[${L}0-9挂学警港澳])(?![0-9A-Za-z])`,
  'gi',
);

/** Mainland licence plates, ordinary and new-energy; the body must have at least two digits. */
export const licensePlateRecognizer: PiiRecognizer = {
  types: ['license_plate'],
  find(text) {
    const out: PiiCandidate[] = [];
    for (const m of allMatches(PLATE, text)) {
      const body = m[0].slice(2);
      if ((body.match(/\d/g)?.length ?? 0) < 2) continue;
      out.push({ type: 'license_plate', start: m.index, end: m.index + m[0].length, score: applyContext(text, m.index, 0.85, PLATE_CUES) });
    }
    return out;
  },
};
