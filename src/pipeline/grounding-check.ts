/**
 * Figures a model can invent — order numbers, amounts, days, dates, phone-like numbers — must
 * appear in what the model was given (passages, the user's words, history). A reply with a
 * figure from nowhere is never shown; the caller falls back to the retrieval answer.
 */
const FIGURE = /\d+(?:[.,:：]\d+)*/g;

const normalise = (s: string): string => s.replace(/[,，]/g, '').replace(/：/g, ':');

export function unsupportedFigures(reply: string, allowedText: string): string[] {
  const allowed = new Set<string>();
  for (const m of normalise(allowedText).matchAll(FIGURE)) {
    allowed.add(m[0]);
    for (const part of m[0].split(/[.:]/)) allowed.add(part);
  }
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

/** `lexicalSupport` against one allowed text whose words are gathered once: streaming asks on every token. */
export function lexicalSupporter(allowedText: string): (reply: string) => number {
  const allowed = new Set(supportUnits(allowedText));
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

/** Why a knowledge reply is not sound enough to keep (cache, training data, resolution KPI). */
export type StrictFailure = 'uncited' | 'truncated' | 'unknown_tokens' | 'garbled';

/** Ends a sentence: 。.!?！？… and closing quotes or brackets after them. */
const SENTENCE_END = /[。.!?！？…]["'”’）)」』]*$/u;
const CITATIONS_AT_END = /(?:\s*\[\d+\])+\s*$/u;
const CITATION = /\[(\d+)\]/g;
/** Words any English reply may use though no passage has them. */
const EN_COMMON = new Set(
  'the and for you your our are can will may not but with from this that have has its about yes also please within after before than then there here which what when where how who all any each more most only just some such they them their these those into over under per was were been being would could should does did has had'.split(' '),
);
/** Han characters any Chinese reply may use though no passage has them. */
const ZH_COMMON = new Set([...'的了是在有和与及或也都就还要需将把被对从到给为以等个这那其该此每中内外上下后前时可会能请您你我们他她它吗呢吧啊哦呀好关于按照根据如果若但而且并即如需']);

/** A word without a plural, past, -ing or -ly ending: "supported" and "supports" meet at "support". */
const stem = (w: string): string => {
  for (const suffix of ['ing', 'ed', 'es', 'ly', 's', 'd']) if (w.endsWith(suffix) && w.length - suffix.length >= 3) return w.slice(0, -suffix.length);
  return w;
};

/** Latin words of the reply whose stem is neither in the allowed text nor a common word. */
function unknownWords(reply: string, allowedText: string): string[] {
  const words = (s: string): string[] => s.toLowerCase().match(/[a-z]{3,}/g) ?? [];
  const allowed = new Set(words(allowedText).map(stem));
  return words(reply).filter((w) => !EN_COMMON.has(w) && !allowed.has(stem(w)));
}

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
  if (!SENTENCE_END.test(body)) failures.push('truncated');
  const allowedHan = new Set(allowedText.match(/\p{Script=Han}/gu) ?? []);
  const unknownHan = (reply.match(/\p{Script=Han}/gu) ?? []).filter((c) => !allowedHan.has(c) && !ZH_COMMON.has(c));
  if (unknownHan.length > 0 || unknownWords(reply.replace(CITATION, ''), allowedText).length > 0) failures.push('unknown_tokens');
  return failures;
}
