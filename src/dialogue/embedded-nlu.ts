import type { Entity, Nlu, NluInput, NluResult } from '../contracts/nlu.ts';
import type { Emotion, Intent } from '../contracts/reply-part.ts';
import { detectEmotion } from './emotion-detector.ts';
import { classifyIntent } from './intent-classifier.ts';
import { type Locale, langOf, nextLocale, scriptOf } from './conversation-locale.ts';
import { intentCandidates } from './intent-candidates.ts';
import { NUMBER_TOKEN } from './intent-training/normalize.ts';
import { normalizedText } from './normalized-text.ts';

/** Entity extraction as a dependency: `src/dialogue/entities/extract-entities.ts` fits. */
export type ExtractEntities = (text: string, options: { now: Date; timeZone: string }) => Entity[];

export interface EmbeddedNluOptions {
  /** Finds order numbers, dates, amounts… in the message; without it, `entities` is empty. */
  extractEntities?: ExtractEntities;
}

const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

// Intents a bare follow-up ("KF20261124001", "the black one") can continue.
const TASK_INTENTS = new Set<Intent>([
  'order_status', 'logistics', 'return', 'refund', 'exchange', 'address_change', 'cancel_order',
  'invoice', 'price_coupon', 'product_question', 'payment_problem', 'complaint',
]);

export function detectLang(text: string): 'zh' | 'en' {
  return /\p{Script=Han}/u.test(text) ? 'zh' : 'en';
}

/**
 * The conversation's locale as the customer's turns so far establish it: a message with no words
 * of its own ("KF20261121001", "2", "ok", a pasted product name) keeps the earlier turns' language,
 * so tapping an order button does not switch a Chinese chat to English. The pipeline keeps the
 * same value in the session state; this reading serves callers without one.
 */
function localeOf(text: string, history: NluInput['history']): Locale {
  let locale: Locale | undefined;
  for (const turn of history ?? []) if (turn.role === 'user') locale = nextLocale(turn.content, locale);
  return nextLocale(text, locale);
}

/** The emotion the conversation arrives with: each earlier user turn, carried over in order. */
function emotionFromHistory(history: NluInput['history']): Emotion | undefined {
  let emotion: Emotion | undefined;
  for (const turn of history ?? []) if (turn.role === 'user') emotion = detectEmotion(turn.content, emotion);
  return emotion;
}

/**
 * The embedded NLU: lexicon + n-gram intent classifier, rule-based emotion with carry-over, and
 * optional entity extraction. No model, no network; well under a millisecond per message once the
 * n-gram model has been trained (on first use, about 0.3 s).
 */
export function createEmbeddedNlu(options: EmbeddedNluOptions = {}): Nlu {
  const extractEntities: ExtractEntities = options.extractEntities ?? (() => []);
  return {
    // async so that an aborted signal rejects the promise rather than throwing synchronously.
    async understand(input: NluInput): Promise<NluResult> {
      input.signal?.throwIfAborted();
      const { text } = input;
      let { intent, confidence, subIntent } = classifyIntent(text);
      // A message that is only an order or tracking number continues the customer's last task.
      const norm = normalizedText(text);
      const bareNumber = norm.includes(NUMBER_TOKEN) && norm.replaceAll(NUMBER_TOKEN, '').trim().length <= 4;
      if (intent === 'other' && bareNumber) {
        const lastUser = (input.history ?? []).filter((t) => t.role === 'user').at(-1);
        const previous = lastUser === undefined ? undefined : classifyIntent(lastUser.content);
        if (previous !== undefined && TASK_INTENTS.has(previous.intent)) {
          intent = previous.intent;
          confidence = Math.min(0.6, previous.confidence);
          subIntent = previous.subIntent;
        }
      }
      const locale = localeOf(text, input.history);
      const previousEmotion = input.previousEmotion ?? emotionFromHistory(input.history);
      const result: NluResult = {
        intent,
        confidence,
        entities: extractEntities(text, { now: input.now ?? new Date(), timeZone: input.timeZone ?? DEFAULT_TIME_ZONE }),
        emotion: detectEmotion(text, previousEmotion),
        lang: langOf(locale),
        candidates: intentCandidates(text),
        source: 'embedded',
      };
      const script = scriptOf(locale);
      if (script !== undefined) result.script = script;
      if (subIntent !== undefined) result.subIntent = subIntent;
      return result;
    },
  };
}
