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
  const units = (s: string): string[] =>
    s.toLowerCase().match(/\p{Script=Han}|[a-z]{3,}/gu) ?? [];
  const allowed = new Set(units(allowedText));
  const r = units(reply.replace(/\[\d+\]/g, ''));
  if (r.length === 0) return 1;
  return r.filter((u) => allowed.has(u)).length / r.length;
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
