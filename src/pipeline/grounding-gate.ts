import { replyFaults, type ReplyFault } from './grounding-check.ts';
import type { TopicPassage } from './topic-agreement.ts';

/**
 * Says that the text streamed so far for this reply is withdrawn: the reply the customer is left
 * with (the `done` event's `reply`, the transcript, the cache and the training export) is only what
 * follows it. Internal to the pipeline; on the wire the replacement goes out as a delta on a new
 * line, and the widget shows the `done` reply in place of what streamed (docs/grounding.md).
 */
export interface RetractPart {
  type: 'retract';
}

const RETRACT: RetractPart = { type: 'retract' };

export const isRetract = (part: unknown): part is RetractPart => typeof part === 'object' && part !== null && (part as { type?: unknown }).type === 'retract';

/**
 * Faults that keep a model reply from the customer: garbled text, words from nowhere, a cut
 * sentence, another passage's answer, a citation of a passage not about the question. A reply
 * without a citation is still shown (the sources list is beside it) but is not kept (strict check).
 */
export const GATED_FAULTS: ReadonlySet<ReplyFault> = new Set<ReplyFault>(['garbled', 'unknown_tokens', 'truncated', 'off_topic', 'cited_off_topic']);

/** Faults that make even the extractive answer unfit to show: then the honest "no reliable answer". */
const REPLACEMENT_FAULTS: ReadonlySet<ReplyFault> = new Set<ReplyFault>(['garbled', 'unknown_tokens', 'off_topic', 'cited_off_topic']);

export interface GroundingGateDeps {
  /** The question the passages were retrieved for. */
  question: string;
  /** The passages as the customer's citations number them ([1] is the first). */
  passages: readonly TopicPassage[];
  /** The generation record: `fallback` set by the generator marks its own replacement; the gate sets it too. */
  gen: { fallback: string | null; finishReason?: string };
  /** The extractive answer (the sentence or two that answer, cited), built only when needed. */
  replacement: () => string;
  /** The honest "the passages don't say / a person can help" reply, when the extractive one fails too. */
  noAnswer: () => string;
  /** Counts a replacement by its reason (`grounding:<fault>`). */
  onReplaced?: (reason: string) => void;
}

/** The gated faults of a knowledge reply (empty: it may stay). */
export function gatedFaults(question: string, reply: string, passages: readonly TopicPassage[]): ReplyFault[] {
  return replyFaults(question, reply, passages).filter((f) => GATED_FAULTS.has(f));
}

/** The extractive answer, or the honest no-answer when it is not fit to show either. */
function soundReplacement(deps: GroundingGateDeps): string {
  const text = deps.replacement();
  const faults = replyFaults(deps.question, text, deps.passages).filter((f) => REPLACEMENT_FAULTS.has(f));
  return faults.length === 0 ? text : deps.noAnswer();
}

/**
 * The grounding check as a gate on a model reply streamed by the grounded generator. Text goes
 * out as it comes (token release keeps the first words fast), and the whole reply is judged when
 * the model stops (`replyFaults`): a cut last sentence can only be seen then. A faulty reply is
 * withdrawn (`RetractPart`) and the extractive answer, or the honest no-answer, is the reply; the
 * generation is marked `grounding:<faults>` in `gen.fallback`, so the turn counts as replaced:
 * not cached, not exported for training, not a resolution. When the generator itself fell back
 * (a decline, an unsupported figure) after letting some text through, that text is withdrawn too,
 * so no fragment stays above the answer that replaced it.
 */
export async function* gateModelReply(stream: AsyncIterable<string>, deps: GroundingGateDeps): AsyncGenerator<string | RetractPart> {
  let model = '';
  let fellBack = false;
  for await (const text of stream) {
    if (!fellBack && deps.gen.fallback !== null) {
      fellBack = true;
      if (model.length > 0) {
        yield RETRACT;
        yield text.replace(/^\n/, '');
        continue;
      }
    }
    if (!fellBack) model += text;
    yield text;
  }
  // A reply the customer walked away from is not judged: nobody is left to read a replacement.
  if (fellBack || model.trim().length === 0 || deps.gen.finishReason === 'abort') return;
  const faults = gatedFaults(deps.question, model, deps.passages);
  if (faults.length === 0) return;
  const reason = `grounding:${faults.join('+')}`;
  deps.gen.fallback = reason;
  deps.onReplaced?.(reason);
  yield RETRACT;
  yield soundReplacement(deps);
}
