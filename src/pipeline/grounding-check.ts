import { remembered } from '../remembered.ts';
import { topicAgreement, type TopicPassage } from './topic-agreement.ts';

/**
 * Figures a model can invent — order numbers, amounts, days, dates, phone-like numbers — must
 * appear in what the model was given (passages, the user's words, history). A reply with a
 * figure from nowhere is never shown; the caller falls back to the retrieval answer.
 */
const FIGURE = /\d+(?:[.,:：]\d+)*/g;

const normalise = (s: string): string => s.replace(/[,，]/g, '').replace(/：/g, ':');

/** The figures of an allowed text, and their parts: gathered once per text, not on every streamed token. */
const figuresOf = remembered((allowedText: string): ReadonlySet<string> => {
  const allowed = new Set<string>();
  for (const m of normalise(allowedText).matchAll(FIGURE)) {
    allowed.add(m[0]);
    for (const part of m[0].split(/[.:]/)) allowed.add(part);
  }
  return allowed;
}, 64);

export function unsupportedFigures(reply: string, allowedText: string): string[] {
  const allowed = figuresOf(allowedText);
  const missing: string[] = [];
  for (const m of normalise(reply).matchAll(FIGURE)) {
    const f = m[0];
    // Citation markers like [1] and single digits used as list numbers are not facts.
    if (f.length === 1) continue;
    if (!allowed.has(f)) missing.push(f);
  }
  return missing;
}

/** Share of the reply's content words/characters found in the allowed text (0..1). */
export function lexicalSupport(reply: string, allowedText: string): number {
  return lexicalSupporter(allowedText)(reply);
}

const supportUnits = (s: string): string[] => s.toLowerCase().match(/\p{Script=Han}|[a-z]{3,}/gu) ?? [];
const supportUnitsOf = remembered((allowedText: string): ReadonlySet<string> => new Set(supportUnits(allowedText)), 32);

/** `lexicalSupport` against one allowed text whose words are gathered once: streaming asks on every token. */
export function lexicalSupporter(allowedText: string): (reply: string) => number {
  const allowed = supportUnitsOf(allowedText);
  return (reply) => {
    const r = supportUnits(reply.replace(/\[\d+\]/g, ''));
    if (r.length === 0) return 1;
    return r.filter((u) => allowed.has(u)).length / r.length;
  };
}

const DECLINE =
  /资料(?:里|中)?(?:没有|未提及)|没有找到|没有(?:相关|这个问题的)|查不到|不能确定答案|don'?t have (?:that|this|the|any) information|do not have (?:that|this) information|(?:passages|information)[^.]{0,40}(?:don'?t|do not) cover|couldn'?t find|can'?t find/i;

/**
 * Whether a sentence says the passages do not answer the question. The pipeline only asks the
 * model when retrieval found a confident passage, so such a sentence means the model failed to
 * read it (small models do): the retrieval answer is better than "I don't know".
 */
export function isDecline(sentence: string): boolean {
  return DECLINE.test(sentence);
}

/** How a decline opens ("I'm sorry…", "Sorry…", "不好意思…", "抱歉…"): anchored, one pass. */
const DECLINE_OPENING = /^\s*(?:I(?![a-z])|Sorry|Unfortunately|不好意思|抱歉|很抱歉|对不起|非常抱歉)/i;

/**
 * Whether a reply's opening may still become a decline: such text waits for its first sentence,
 * so that "I'm " is not left on screen above the retrieval answer that replaces the decline.
 */
export function mayBecomeDecline(opening: string): boolean {
  if (DECLINE_OPENING.test(opening)) return true;
  // The first token of a decline can be shorter than its opening word: "不" before "好意思".
  const start = opening.trimStart().toLowerCase();
  return start.length > 0 && DECLINE_OPENERS.some((o) => o.length > start.length && o.startsWith(start));
}

const DECLINE_OPENERS = ['sorry', 'unfortunately', '不好意思', '抱歉', '很抱歉', '对不起', '非常抱歉'];

/** Why a knowledge reply is not sound enough to keep (cache, training data, resolution KPI). */
export type StrictFailure = 'uncited' | 'truncated' | 'unknown_tokens' | 'garbled';

/** Ends a sentence: 。.!?！？… and closing quotes or brackets after them; "|" ends a table row quoted whole. */
const SENTENCE_END = /[。.!?！？…|]["'”’）)」』]*$/u;
const CITATIONS_AT_END = /(?:\s*\[\d+\])+\s*$/u;
const CITATION = /\[(\d+)\]/g;
/** Words any English reply may use though no passage has them. */
const EN_COMMON = new Set(
  'the and for you your our are can will may not but with from this that have has its about yes also please within after before than then there here which what when where how who all any each more most only just some such they them their these those into over under per was were been being would could should does did has had'.split(' '),
);
// The model's stock openers and closers ("According to our policy,", "Here is what I found:",
// "Hope this helps!", "根据资料,", "关于这个问题:") carry no fact and are no sign of garbling.
for (const w of 'according policy found good question hope helps help sure thanks thank happy'.split(' ')) EN_COMMON.add(w);
/** Han characters any Chinese reply may use though no passage has them. */
// "亲" is the shop assistant's salutation ("亲,在支付页选择…"): two good model replies of the second labelled batch were withheld for it.
const ZH_COMMON = new Set([...'的了是在有和与及或也都就还要需将把被对从到给为以等个这那其该此每中内外上下后前时可会能请您你我们他她它吗呢吧啊哦呀好关于按照根据如果若但而且并即如需问题资料亲']);

const ENDS = new Set([...'。.!?！？…\n']);
const CLOSING = new Set([...'"\'”’）)」』']);
const DANGLING_MARK = new Set([...':：,，、(（—-;；']);

/**
 * Whether the reply stops in the middle of a sentence it copies: the model copies passages, and
 * puts its full stop after the citation ("…still shows unpaid [1]."), so the words before a citation
 * that closes a sentence are looked up in the passages; found only where their sentence goes on
 * ("unpaid, the status syncs…"), the reply was cut. A colon or comma before such a citation, or a
 * bracket left open, says the same. Each lookup is of a short tail (≤ 3 words, ≤ 6 characters).
 */
function stopsMidSentence(reply: string, allowedText: string): boolean {
  let open = 0;
  for (const ch of reply) {
    if (ch === '(' || ch === '（') open++;
    else if ((ch === ')' || ch === '）') && open > 0) open--;
  }
  if (open > 0) return true;
  for (const m of reply.matchAll(CITATION)) {
    let after = m.index + m[0].length;
    while (reply[after] === ' ' || reply[after] === '[' || /[\d\]]/.test(reply[after] ?? '')) after++;
    const next = reply[after];
    if (next !== undefined && !ENDS.has(next)) continue;
    const before = reply.slice(Math.max(0, m.index - 80), m.index).trimEnd();
    const last = before.at(-1);
    if (last === undefined || ENDS.has(last) || CLOSING.has(last)) continue;
    if (DANGLING_MARK.has(last)) return true;
    const han = /\p{Script=Han}/u.test(last);
    const tail = han ? Array.from(before).slice(-6).join('') : before.split(' ').slice(-3).join(' ');
    if (Array.from(tail).length < 4) continue;
    let complete = false;
    let found = false;
    for (let at = allowedText.indexOf(tail), n = 0; at !== -1 && n < 50 && !complete; at = allowedText.indexOf(tail, at + 1), n++) {
      found = true;
      let k = at + tail.length;
      while (k < allowedText.length && CLOSING.has(allowedText[k]!)) k++;
      const c = allowedText[k];
      // A Chinese clause before "，" or "；" stands on its own ("…48小时内自动开具[1]。"); an English one does not.
      complete = c === undefined || ENDS.has(c) || (han && (c === '，' || c === '；'));
    }
    if (found && !complete) return true;
  }
  return false;
}

/** Words an English sentence does not end on: a reply whose words stop there before a citation was cut off. */
const DANGLING = new Set('a an the to of and or but with within for from by at in on into than that which who your our its is are was were be been can cannot may will would should must not no if when while after before during until via per as'.split(' '));

/**
 * Whether the word before a citation was cut: a word no sentence ends on ("it cannot [1].") or the
 * start of a word of the passages that is no word itself ("within 2 wo [1]", "once approv [1]").
 * The model often puts the full stop after the citation ("…manua [1]."), so the end of the text
 * alone does not show it. Prefixes are kept up to 24 letters: linear in the allowed text.
 */
function cutBeforeCitation(reply: string, allowedText: string): boolean {
  const { allowed, stems, prefixes } = latinWordsOf(allowedText);
  for (const m of reply.matchAll(CITATION)) {
    // Walk back over spaces, then over at most 40 letters: bounded work per citation.
    let end = m.index;
    while (end > 0 && (reply[end - 1] === ' ' || reply[end - 1] === '\t')) end--;
    let start = end;
    while (start > 0 && end - start < 40 && /[A-Za-z]/.test(reply[start - 1]!)) start--;
    if (start === end) continue;
    const w = reply.slice(start, end).toLowerCase();
    if (DANGLING.has(w)) return true;
    if (!allowed.has(w) && !stems.has(stem(w)) && prefixes().has(w)) return true;
  }
  return false;
}

/**
 * The allowed text's Latin words (with the common ones), their stems and, built only when a word
 * before a citation is neither, their prefixes: once per allowed text, which the gate and the
 * strict check of the same turn share.
 */
const latinWordsOf = remembered((allowedText: string) => {
  const allowed = new Set([...(allowedText.toLowerCase().match(/[a-z]+/g) ?? []), ...EN_COMMON]);
  const stems = new Set([...allowed].map(stem));
  let prefixes: Set<string> | undefined;
  return {
    allowed,
    stems,
    prefixes(): ReadonlySet<string> {
      if (prefixes === undefined) {
        prefixes = new Set<string>();
        for (const w of allowed) for (let k = 1; k < Math.min(w.length, 24); k++) prefixes.add(w.slice(0, k));
      }
      return prefixes;
    },
  };
}, 32);

/** A word without a plural, past, -ing or -ly ending: "supported" and "supports" meet at "support". */
const stem = (w: string): string => {
  for (const suffix of ['ing', 'ed', 'es', 'ly', 's', 'd']) if (w.endsWith(suffix) && w.length - suffix.length >= 3) return w.slice(0, -suffix.length);
  return w;
};

/** Latin words of the reply whose stem is neither in the allowed text nor a common word. */
function unknownWords(reply: string, allowedText: string): string[] {
  const allowed = allowedStemsOf(allowedText);
  return latinWords(reply).filter((w) => !EN_COMMON.has(w) && !allowed.has(stem(w)));
}

const latinWords = (s: string): string[] => s.toLowerCase().match(/[a-z]{3,}/g) ?? [];
const allowedStemsOf = remembered((allowedText: string): ReadonlySet<string> => new Set(latinWords(allowedText).map(stem)), 64);
const allowedHanOf = remembered((allowedText: string): ReadonlySet<string> => new Set(allowedText.match(/\p{Script=Han}/gu) ?? []), 64);

/**
 * The strict check a knowledge reply must pass before Kefu keeps it: stored in the answer cache,
 * exported as a training target, counted as a resolution. Stricter than what may be shown
 * (grounded generation judges sentences as they stream): the reply cites one of the `sources`
 * passages ([n], 1 ≤ n ≤ sources), its last sentence is finished (before the citations),
 * it holds no U+FFFD, and no word or Han character is unknown to the passages, the question and a
 * short list of function words ("Book Hdatapping", "handle it manua [2]" fail). Empty: sound.
 */
export function strictGroundingFailures(reply: string, allowedText: string, sources: number): StrictFailure[] {
  const failures: StrictFailure[] = [];
  if (reply.includes('\uFFFD')) failures.push('garbled');
  const cited = [...reply.matchAll(CITATION)].map((m) => Number(m[1]));
  if (cited.length === 0 || cited.some((n) => n < 1 || n > sources)) failures.push('uncited');
  const body = reply.replace(CITATIONS_AT_END, '').trimEnd();
  if (!SENTENCE_END.test(body) || cutBeforeCitation(reply, allowedText) || stopsMidSentence(reply, allowedText)) failures.push('truncated');
  const allowedHan = allowedHanOf(allowedText);
  const unknownHan = (reply.match(/\p{Script=Han}/gu) ?? []).filter((c) => !allowedHan.has(c) && !ZH_COMMON.has(c));
  if (unknownHan.length > 0 || unknownWords(reply.replace(CITATION, ''), allowedText).length > 0) failures.push('unknown_tokens');
  return failures;
}

/** What can be wrong with a knowledge reply to a question, over the passages it was given. */
export type ReplyFault = StrictFailure | 'off_topic' | 'cited_off_topic';

/** "另请参考:「…」[2]" / "See also: "…" [2]": a pointer line after the answer, not a sentence of it. */
const SEE_ALSO_LINE = /\n(?:另请参考|See also)[^\n]*$/u;

/**
 * The whole check on a knowledge reply (docs/grounding.md): the strict failures above (garbled,
 * unknown words, truncated, uncited) plus question–passage–answer agreement: the reply is
 * `off_topic` when its words come from a passage that is not about the question clearly more than
 * from any that is (the invoice passage for "运费多少?"), and `cited_off_topic` when it cites a
 * passage that is not about the question. `passages` are numbered as the customer sees them ([1]
 * is the first). Empty: sound. Linear in the lengths of the texts.
 */
export function replyFaults(question: string, reply: string, passages: readonly TopicPassage[]): ReplyFault[] {
  const answer = reply.replace(SEE_ALSO_LINE, '');
  const allowed = [question, ...passages.map((p) => `${p.title} ${p.text}`)].join('\n');
  const faults: ReplyFault[] = strictGroundingFailures(answer, allowed, passages.length);
  if (passages.length === 0) return faults;
  const t = topicAgreement(question, answer, passages);
  if (t.source !== -1 && !t.about.has(t.source) && t.sourceSupport - t.aboutSupport > 0.15) faults.push('off_topic');
  const cited = [...answer.matchAll(CITATION)].map((m) => Number(m[1]) - 1);
  if (t.about.size > 0 && cited.some((i) => i >= 0 && i < passages.length && !t.about.has(i))) faults.push('cited_off_topic');
  return faults;
}
