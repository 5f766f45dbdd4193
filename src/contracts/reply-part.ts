import type { FinishReason, Usage } from './language-model.ts';

export type Intent =
  | 'order_status' | 'logistics' | 'return' | 'refund' | 'exchange' | 'address_change'
  | 'cancel_order' | 'invoice' | 'price_coupon' | 'product_question' | 'payment_problem'
  | 'complaint' | 'human_agent' | 'greeting' | 'goodbye' | 'chitchat' | 'other';

export type EmotionLabel = 'neutral' | 'anxious' | 'dissatisfied' | 'angry' | 'satisfied';

export interface Emotion {
  label: EmotionLabel;
  intensity: number;
}

export interface SourceRef {
  id: string;
  title: string;
  score: number;
  url?: string;
}

/** The full reply object: the JSON body of POST /v1/chat and the SSE `done` event. */
export interface ChatReply {
  session_id: string;
  /** Only in the reply that created the session: needed (or a key) to continue or read it. */
  session_token?: string;
  message_id: string;
  reply: string;
  intent: Intent;
  emotion: Emotion;
  handoff: boolean;
  sources: SourceRef[];
  cached: boolean;
  flow?: { name: string; step: string };
  /** True when this is the stored answer to a resent message (same `client_message_id`). */
  replayed?: boolean;
  /** Suggested answers for the current flow step (confirm / cancel, the orders to pick from...). */
  quick_replies?: string[];
  /** What the turn's picture or recording was read as, shown back to the customer (docs/multimodal.md). */
  attachments?: { type: 'image' | 'audio'; text: string }[];
  /** What was heard in the turn's voice message: shown as the customer's own words. */
  transcript?: string;
  model: string;
  usage?: Usage;
  finish_reason?: FinishReason;
}

/**
 * What the pipeline emits; SSE, the OpenAI façade, the CLI and later WebSocket/WeCom are
 * renderers of this one stream.
 */
export type ReplyPart =
  | { type: 'sources'; sources: SourceRef[] }
  | { type: 'text-delta'; text: string }
  | { type: 'handoff'; reason: string }
  | { type: 'done'; reply: ChatReply }
  | { type: 'error'; code: string; message: string };
