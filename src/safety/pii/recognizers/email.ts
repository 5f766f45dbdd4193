import { allMatches } from '../all-matches.ts';
import type { PiiCandidate, PiiRecognizer } from '../pii-types.ts';

const EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,63})@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9-])/g;

/** E-mail addresses: a local part, @, and a domain with a letters-only top level. */
export const emailRecognizer: PiiRecognizer = {
  types: ['email'],
  find(text) {
    return allMatches(EMAIL, text).map((m): PiiCandidate => ({ type: 'email', start: m.index, end: m.index + m[0].length, score: 0.95 }));
  },
};
