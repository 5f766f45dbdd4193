import type { ChatMessage, FinishReason, LanguageModel, Usage } from '../contracts/language-model.ts';
import { isKefuError } from '../errors.ts';
import { LATENCY_BUDGET_CODE } from '../llm/latency-budget.ts';
import type { Logger } from '../logging/create-logger.ts';
import type { Metrics } from '../metrics/create-metrics.ts';
import { isDecline, lexicalSupporter, mayBecomeDecline, unsupportedFigures } from './grounding-check.ts';
import { releasePoint } from './release-point.ts';
import { SentenceHoldback } from './sentence-holdback.ts';

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
 * inside a sentence, text goes out token by token up to the first thing that could still become
 * a violation with the words after it (`releasePoint`: a rule's opening, an unfinished figure or
 * rule word), once the guard, figure, decline and support checks pass everything shown so far.
 * Waiting for finished clauses cost the first text 230 ms at 20 ms per token (issue 16). On the
 * first failing check the generation stops and the retrieval answer takes over; what was shown
 * stays shown (it passed every check), as with sentences.
 */
export function createGroundedGenerator(deps: { model: LanguageModel; metrics: Metrics; logger: Logger; maxTokens: number; minSentenceSupport: number }) {
  const { model, metrics, logger, maxTokens } = deps;
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
    /**
     * `untrusted`: shop-untrusted passages the model was given (the start of a copy of them is held).
     * `early: false` when the reply is delivered whole: text inside a sentence would only be
     * judged again with the rest of it, so only whole sentences are judged (same reply, same
     * verdicts; one guard check per sentence instead of one per token that moves the release point).
     */
    options: { untrusted?: string; early?: boolean } = {},
  ): AsyncGenerator<string> {
    const holdback = new SentenceHoldback();
    const gate = createReleaseGate({ allowed, guard, holdback, untrusted: options.untrusted, minSentenceSupport: deps.minSentenceSupport, replyStarted: () => out.text.length > 0 });
    const emit = function* (text: string): Generator<string> {
      out.text += text;
      if (text.length > 0) yield text;
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
      // Read here, not through a generator of their own: one async layer less per token (issue 16).
      reading: for (let i = 0; i < prompts.length; i++) {
        let sentText = false;
        for await (const part of model.doStream({ messages: prompts[i]!(), maxTokens, temperature: 0.2, ...(signal ? { signal } : {}) })) {
          if (part.type === 'text-delta') {
            sentText = true;
            for (const sentence of holdback.push(part.text)) {
              const judged = gate.sentence(sentence);
              if (judged.bad !== null) return yield* fallBack(judged.bad);
              yield* emit(judged.text);
            }
            const early = options.early === false ? null : gate.early();
            if (early !== null) yield* emit(early);
            continue;
          }
          if (part.type === 'finish') {
            [out.usage, out.finishReason] = [part.usage, part.finishReason];
            break reading;
          }
          // A small model's context may not hold the full prompt: the next, more compact one is tried.
          if (!sentText && i + 1 < prompts.length && isKefuError(part.error) && part.error.code === 'llm_context_overflow') {
            logger.debug({ prompt: i }, 'prompt too long for the model context, trying a compact one');
            continue reading;
          }
          // Over its latency budget the model is not broken, only late: counted apart from failures.
          const late = isKefuError(part.error) && part.error.code === LATENCY_BUDGET_CODE;
          logger.warn({ err: part.error }, late ? 'model over its latency budget, using the retrieval answer' : 'generation failed, using the retrieval answer');
          return yield* fallBack(late ? 'latency_budget' : 'model_error');
        }
        break;
      }
    } catch (err) {
      if (signal?.aborted) {
        out.finishReason = 'abort';
        return;
      }
      logger.warn({ err }, 'generation threw, using the retrieval answer');
      return yield* fallBack('model_error');
    }
    const tail = gate.tail();
    if (tail.bad !== null) return yield* fallBack(tail.bad);
    yield* emit(tail.text);
    if (out.text.trim().length === 0 && out.finishReason !== 'abort') yield* fallBack('empty');
  };
}

const units = (text: string): number => text.match(/\p{Script=Han}|[a-zA-Z]{3,}/gu)?.length ?? 0;

/** A judgement: the check a text failed, or the text that may go out now ('' for none). */
type Judged = { bad: string; text?: undefined } | { bad: null; text: string };

/**
 * What of the model's text may go out, and when: whole sentences judged together, text inside a
 * sentence released early up to its release point, the rest at the end. Kept apart from the
 * generator so the stream loop reads as "judge, then emit or fall back".
 */
function createReleaseGate(o: {
  allowed: string;
  guard: (text: string) => string | null;
  holdback: SentenceHoldback;
  untrusted: string | undefined;
  minSentenceSupport: number;
  replyStarted: () => boolean;
}) {
  const { allowed, guard, holdback } = o;
  const support = lexicalSupporter(allowed);
  // A figure the check can report has two digits or more: text with fewer needs no look.
  const figuresOk = (text: string): boolean => (text.match(/\d/g)?.length ?? 0) < 2 || unsupportedFigures(text, allowed).length === 0;
  const check = (text: string): string | null => {
    // U+FFFD means the model emitted bytes that are no UTF-8 (the token stream never splits a
    // character): a small model off its training can do that, and no customer should see it.
    if (text.includes('\uFFFD')) return 'garbled';
    const broken = guard(text);
    if (broken !== null) return `guard:${broken}`;
    if (!figuresOk(text)) return 'unsupported_figure';
    if (isDecline(text)) return 'declined_despite_passages';
    if (units(text) >= MIN_CHECKED_UNITS && support(text) < o.minSentenceSupport) return 'low_support';
    return null;
  };
  // Text since the last whole judgement: finished sentences not yet judged (a lone "不客气!"
  // says nothing about support, so it waits for the sentence after it) followed by the sentence
  // in progress. `shown` of it already went out; every check reads it whole, so a violation
  // split across a release is still seen.
  let chunk = '';
  let shown = 0;
  // The release point last judged, so an unchanged text is not re-checked on every token.
  let tried = 0;
  return {
    /** A finished sentence: judged with the unjudged ones before it once there are enough words. */
    sentence(sentence: string): Judged {
      chunk += sentence;
      if (units(chunk) < MIN_CHECKED_UNITS) return { bad: null, text: '' };
      const bad = check(chunk);
      if (bad !== null) return { bad };
      const rest = chunk.slice(shown);
      shown = Math.max(0, shown - chunk.length);
      tried = 0;
      chunk = '';
      return { bad: null, text: rest };
    },

    /**
     * What may go out before its sentence ends: text up to the first thing that could still
     * become a violation (`releasePoint`), once the guard, the figure check and the decline check
     * pass it, and its words are in what the model was given (all of them while there are fewer
     * than enough to judge a share, else the sentence's share).
     */
    early(): string | null {
      const text = chunk + holdback.pending;
      const at = releasePoint(text, shown, o.untrusted);
      if (at <= shown || at === tried) return null;
      tried = at;
      const candidate = text.slice(0, at);
      if (candidate.trim().length === 0) return null;
      if (candidate.includes('\uFFFD') || !figuresOk(candidate) || isDecline(candidate)) return null;
      // Nothing shown yet and it opens like a decline: its first sentence is judged whole (docs/grounding.md).
      if (!o.replyStarted() && mayBecomeDecline(candidate)) return null;
      const share = support(candidate);
      if (units(candidate) < MIN_CHECKED_UNITS ? share < 1 : share < o.minSentenceSupport) return null;
      if (guard(candidate) !== null) return null;
      const released = candidate.slice(shown);
      shown = at;
      return released;
    },

    /** The end of the stream: what is left, judged whole. */
    tail(): Judged {
      const whole = (chunk + holdback.flush()).replace(/<\|end\|>$/, '');
      if (whole.trim().length === 0) return { bad: null, text: '' };
      if (check(whole) !== null) return { bad: 'unsupported_tail' };
      return { bad: null, text: whole.slice(shown) };
    },
  };
}
