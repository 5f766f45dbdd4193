import type { Emotion, Intent } from './reply-part.ts';

/**
 * Natural-language understanding behind one contract: the embedded NLU (rules, lexicons, works
 * with KEFU_LLM=none) and the LLM NLU (JSON-schema-constrained output, falling back to the
 * embedded one) are interchangeable. Input text is already PII-masked: phone and ID numbers
 * arrive as placeholders such as `[手机号]` and come out as entities of that type.
 */
export type EntityType =
  | 'order_id'
  | 'tracking_no'
  | 'phone'
  | 'id_card'
  | 'product'
  | 'amount'
  | 'date';

export interface Entity {
  type: EntityType;
  /** The matched text as written. */
  text: string;
  /** UTF-16 offsets in the input. */
  start: number;
  end: number;
  /**
   * Normalised value: order/tracking numbers upper-cased without spaces; amounts as a decimal
   * string ("199.00"); dates as `YYYY-MM-DD` in the user's time zone; products as the catalogue
   * name; PII types as the placeholder.
   */
  value: string;
  /** Dates only: the last day of a range ("上周" → Monday..Sunday), inclusive. */
  endValue?: string;
  /** Dates only: part of day when said ("前天晚上" → evening). */
  partOfDay?: 'morning' | 'noon' | 'afternoon' | 'evening' | 'night';
  /** Amounts only. */
  currency?: string;
}

export interface NluInput {
  text: string;
  /** Earlier turns, oldest first, for emotion carry-over and context. */
  history?: { role: 'user' | 'assistant'; content: string }[];
  previousEmotion?: Emotion;
  /** The user's clock: time expressions resolve against it. */
  now?: Date;
  /** IANA zone, e.g. `Asia/Shanghai` (the default). */
  timeZone?: string;
  signal?: AbortSignal;
}

export interface IntentCandidate {
  intent: Intent;
  /** 0..1. */
  confidence: number;
}

export interface NluResult {
  intent: Intent;
  /** Finer labels under a top-level intent, e.g. `logistics.delivery_time`. */
  subIntent?: string;
  /** 0..1; below ~0.5 callers treat the intent as a guess. */
  confidence: number;
  entities: Entity[];
  emotion: Emotion;
  lang: 'zh' | 'en';
  /** For `zh`: the script the conversation is written in; replies are rendered in it. */
  script?: 'Hans' | 'Hant';
  /**
   * The likeliest readings, best first, with calibrated probabilities (the embedded NLU gives
   * five): a low-confidence message is clarified by offering the two or three that differ.
   */
  candidates?: IntentCandidate[];
  /** Which implementation produced it: `embedded`, `llm`, or `llm→embedded` after a fallback. */
  source: string;
}

export interface Nlu {
  understand(input: NluInput): Promise<NluResult>;
}
