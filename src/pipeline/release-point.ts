import { remembered } from '../remembered.ts';
import { firstOpening, unfinishedOpening } from '../safety/output-guard/open-ended.ts';

/** Characters a figure is written with, after its first digit ("1,299.50", "10:30", "20 %"). */
const FIGURE_CHAR = /[\d.,，:：%\s]/;
const DIGIT = /\d/;
/** Signs that belong to the figure after them. */
const FIGURE_SIGN = /[¥￥$+-]/;

const squash = (s: string): string => s.toLowerCase().normalize('NFKC').replace(/[\s\p{P}\p{S}]/gu, '');
/** The untrusted passages squashed once per text, not at every token of the reply (issue 16). */
const squashedSource = remembered(squash, 16);

/** Moves `at` back over the figure (and its currency sign) that ends right before it. */
function startOfFigureBefore(text: string, at: number, floor: number): number {
  let i = at;
  while (i > floor && FIGURE_CHAR.test(text[i - 1]!)) i--;
  // Only a run with a digit in it is a figure; plain spaces and commas stay where they are.
  let first = i;
  while (first < at && !DIGIT.test(text[first]!)) first++;
  if (first === at) return at;
  if (first > floor && FIGURE_SIGN.test(text[first - 1]!)) first--;
  return first;
}

/**
 * How much of `text` (a sentence in progress and what came before it in the same check) can be
 * shown now, given that `from` characters already were: everything before the first thing that
 * could still turn into a violation with the words after it. Held back from
 * - the first opening of an output-guard rule ("保证", "全额", "I have", "refund", a figure before
 *   "折"/"% off"), to the end of the sentence, where the guard judges it whole;
 * - a figure that reaches the end (it may go on: "1" → "1,299"), so figures are judged whole;
 * - the start of a rule word the text ends in ("全" → "全额", "ref" → "refund");
 * - a "<" (the start of a chat-template end marker the model may print);
 * - the longest end of the text found in `untrusted` text (shop-untrusted passages): the guard
 *   stops a copy only once it is long enough to tell, so its beginning is not shown before then.
 */
export function releasePoint(text: string, from: number, untrusted = ''): number {
  let at = text.length;
  const opening = firstOpening(text, from);
  if (opening >= 0) at = startOfFigureBefore(text, opening, from);
  at = Math.min(at, startOfFigureBefore(text, text.length, from));
  const unfinished = unfinishedOpening(text, from);
  if (unfinished >= 0) at = Math.min(at, startOfFigureBefore(text, unfinished, from));
  const lt = text.indexOf('<', from);
  if (lt >= 0) at = Math.min(at, lt);
  if (untrusted !== '') {
    const source = squashedSource(untrusted);
    // A copy of 10 Han characters or 28 letters is the guard's; a shorter end is held here.
    for (let i = Math.max(from, text.length - 40); i < at; i++) {
      const tail = squash(text.slice(i));
      if (tail.length >= 2 && source.includes(tail)) {
        at = i;
        break;
      }
    }
  }
  return Math.max(from, at);
}
