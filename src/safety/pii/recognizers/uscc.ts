import { allMatches } from '../all-matches.ts';
import { isValidUscc } from '../checksums.ts';
import { applyContext, CODE_CUES, type ContextCues } from '../context.ts';
import type { PiiCandidate, PiiRecognizer } from '../pii-types.ts';

const USCC_CUES: ContextCues = {
  positive: ['税号', '信用代码', '纳税人', '识别号', '营业执照', '执照', '发票', '开票', '抬头', '公司', '单位', 'tax', 'vat', 'uscc'],
  negative: CODE_CUES,
};

const USCC = /(?<![0-9A-Za-z])[0-9A-Za-z]{18}(?![0-9A-Za-z])/g;

/** Unified social credit codes (the company tax number on invoices), GB 32100 check character. */
export const usccRecognizer: PiiRecognizer = {
  types: ['uscc'],
  find(text) {
    const out: PiiCandidate[] = [];
    for (const m of allMatches(USCC, text)) {
      if (!isValidUscc(m[0])) continue;
      out.push({ type: 'uscc', start: m.index, end: m.index + m[0].length, score: applyContext(text, m.index, 0.85, USCC_CUES) });
    }
    return out;
  },
};
