import type { ChatMessage, FinishReason, LanguageModel, Usage } from '../contracts/language-model.ts';
import { isKefuError } from '../errors.ts';
import { LATENCY_BUDGET_CODE } from '../llm/latency-budget.ts';
import type { Logger } from '../logging/create-logger.ts';
import type { Metrics } from '../metrics/create-metrics.ts';
import { isDecline, lexicalSupport, unsupportedFigures } from './grounding-check.ts';
import { mayRunOn, mayRunOnInClause } from '../safety/output-guard/open-ended.ts';
import { SentenceHoldback, clauseCut } from './sentence-holdback.ts';

export interface Generation {
  text: string;
  usage: Usage;
  finishReason: FinishReason;
  fallback: string | null;
}

/** Han characters or 3+-letter words a text needs before its lexical support is judged. */
const MIN_CHECKED_UNITS = 6;

/**
 * Streams the model's reply, releasing only text whose figures and words are supported by what
 * the model was given and that the output guard passes. Whole sentences are judged as before;
 * inside a sentence, its finished clauses (up to a ，、：, mark), or a long run without marks, are
 * released early once they are long enough to judge, pass every check together with the part of
 * the sentence already shown, and hold nothing that could still run on into a violation
 * (`mayRunOn` at a mark; inside a clause `mayRunOnInClause`, which knows every rule's opening). Waiting for whole
 * sentences cost the first token 0.7 s at 50 tokens/s. On the first failing check the generation
 * stops and the retrieval answer takes over; what was shown stays shown, as with sentences.
 */
export function createGroundedGenerator(deps: { model: LanguageModel; metrics: Metrics; logger: Logger; maxTokens: number; minSentenceSupport: number }) {
  const { model, metrics, logger } = deps;
  return async function* generate(
    /** Prompts from fullest to most compact, built only when the one before did not fit. */
    prompts: readonly (() => ChatMessage[])[],
    allowed: string,
    /** Said instead when generation fails a check; built only then (it is guarded, and counted, itself). */
    fallbackText: string | (() => string),
    signal: AbortSignal | undefined,
    out: Generation,
    /** The output guard for this request: the principle a text breaks, or null. */
    guard: (text: string) => string | null = () => null,
  ): AsyncGenerator<string> {
    const holdback = new SentenceHoldback();
    const units = (text: string): number => text.match(/\p{Script=Han}|[a-zA-Z]{3,}/gu)?.length ?? 0;
    const check = (text: string): string | null => {
      // U+FFFD means the model emitted bytes that are no UTF-8 (the token stream never splits a
      // character): a small model off its training can do that, and no customer should see it.
      if (text.includes('\uFFFD')) return 'garbled';
      const broken = guard(text);
      if (broken !== null) return `guard:${broken}`;
      if (unsupportedFigures(text, allowed).length > 0) return 'unsupported_figure';
      if (isDecline(text)) return 'declined_despite_passages';
      if (units(text) >= MIN_CHECKED_UNITS && lexicalSupport(text, allowed) < deps.minSentenceSupport) return 'low_support';
      return null;
    };
    // Sentences are released in chunks long enough to judge: a lone "不客气!" says nothing about
    // support, so it waits for the sentence after it and both are checked together.
    let chunk = '';
    // The part of the sentence in progress already shown: every later check of that sentence
    // reads it too, so a violation split across a clause mark is still seen whole.
    let shown = '';
    // The clause cut last judged, so an unchanged sentence is not re-checked on every token.
    let triedCut = 0;
    const releaseClauses = (): string | null => {
      const cut = clauseCut(holdback.pending);
      if (cut.at === 0 || cut.at === triedCut) return null;
      triedCut = cut.at;
      const candidate = chunk + holdback.pending.slice(0, cut.at);
      // Inside a clause the whole text so far is looked at, the part kept back included.
      const runsOn = cut.mark ? mayRunOn(shown + candidate) : mayRunOnInClause(shown + chunk + holdback.pending);
      if (units(candidate) < MIN_CHECKED_UNITS || runsOn || check(shown + candidate) !== null) return null;
      holdback.take(cut.at);
      triedCut = 0;
      chunk = '';
      shown += candidate;
      return candidate;
    };
    const fallBack = function* (reason: string): Generator<string> {
      metrics.fallbacks.inc({ reason });
      out.fallback = reason;
      const fallback = typeof fallbackText === 'function' ? fallbackText() : fallbackText;
      const text = out.text.length === 0 ? fallback : `\n${fallback}`;
      out.text += text;
      yield text;
    };
    try {
      // A small model's context may not hold the full prompt: the next, more compact prompt is
      // tried when the model rejects one before any text.
      const stream = async function* () {
        for (let i = 0; i < prompts.length; i++) {
          let sentText = false;
          for await (const part of model.doStream({ messages: prompts[i]!(), maxTokens: deps.maxTokens, temperature: 0.2, ...(signal ? { signal } : {}) })) {
            const overflow = part.type === 'error' && isKefuError(part.error) && part.error.code === 'llm_context_overflow';
            if (overflow && !sentText && i + 1 < prompts.length) {
              logger.debug({ prompt: i }, 'prompt too long for the model context, trying a compact one');
              break;
            }
            if (part.type === 'text-delta') sentText = true;
            yield part;
            if (part.type !== 'text-delta') return;
          }
        }
      };
      for await (const part of stream()) {
        if (part.type === 'text-delta') {
          for (const sentence of holdback.push(part.text)) {
            triedCut = 0;
            chunk += sentence;
            if (units(chunk) < MIN_CHECKED_UNITS) continue;
            const bad = check(shown + chunk);
            if (bad !== null) return yield* fallBack(bad);
            out.text += chunk;
            yield chunk;
            chunk = '';
            shown = '';
          }
          const early = releaseClauses();
          if (early !== null) {
            out.text += early;
            yield early;
          }
        } else if (part.type === 'finish') {
          out.usage = part.usage;
          out.finishReason = part.finishReason;
        } else {
          // Over its latency budget the model is not broken, only late: counted apart from failures.
          const late = isKefuError(part.error) && part.error.code === LATENCY_BUDGET_CODE;
          logger.warn({ err: part.error }, late ? 'model over its latency budget, using the retrieval answer' : 'generation failed, using the retrieval answer');
          return yield* fallBack(late ? 'latency_budget' : 'model_error');
        }
      }
    } catch (err) {
      if (signal?.aborted) {
        out.finishReason = 'abort';
        return;
      }
      logger.warn({ err }, 'generation threw, using the retrieval answer');
      return yield* fallBack('model_error');
    }
    const rest = (chunk + holdback.flush()).replace(/<\|end\|>$/, '');
    if (rest.trim().length > 0) {
      if (check(shown + rest) !== null) return yield* fallBack('unsupported_tail');
      out.text += rest;
      yield rest;
    }
    if (out.text.trim().length === 0 && out.finishReason !== 'abort') yield* fallBack('empty');
  };
}
