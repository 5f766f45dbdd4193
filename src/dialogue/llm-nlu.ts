import { z } from 'zod';
import type { LanguageModel } from '../contracts/language-model.ts';
import type { Nlu, NluInput, NluResult } from '../contracts/nlu.ts';
import type { Intent } from '../contracts/reply-part.ts';

/**
 * NLU by the language model with JSON-schema-constrained output (llama.cpp grammars, vLLM
 * guided decoding, OpenAI `response_format`). Entities always come from the embedded extractor:
 * order numbers and dates must be exact, and a model paraphrasing "昨天" is no help. Any failure —
 * timeout, invalid JSON, a label outside the contract — falls back to the embedded NLU, so a
 * struggling model never breaks understanding.
 */
export const INTENTS: readonly Intent[] = [
  'order_status', 'logistics', 'return', 'refund', 'exchange', 'address_change', 'cancel_order', 'invoice',
  'price_coupon', 'product_question', 'payment_problem', 'complaint', 'human_agent', 'greeting', 'goodbye', 'chitchat', 'other',
];
const EMOTIONS = ['neutral', 'anxious', 'dissatisfied', 'angry', 'satisfied'] as const;

export const NLU_JSON_SCHEMA = {
  type: 'object',
  properties: {
    intent: { type: 'string', enum: INTENTS },
    confidence: { type: 'number', minimum: 0, maximum: 1 },
    emotion: { type: 'string', enum: EMOTIONS },
    intensity: { type: 'number', minimum: 0, maximum: 1 },
  },
  required: ['intent', 'confidence', 'emotion', 'intensity'],
  additionalProperties: false,
} as const;

const Output = z.object({
  intent: z.enum(INTENTS as [Intent, ...Intent[]]),
  confidence: z.number().min(0).max(1),
  emotion: z.enum(EMOTIONS),
  intensity: z.number().min(0).max(1),
});

const SYSTEM = `You label customer-service messages for an online shop. Reply with JSON only.
intent: one of ${INTENTS.join(', ')}.
- logistics: where the parcel is, delivery time, carrier; order_status: whether an order shipped / its state.
- return: send goods back; refund: money back; exchange: swap for another item.
- complaint: wants to complain or escalate about the service, not merely unhappy.
- human_agent: asks for a person. goodbye includes thanks.
emotion: neutral, anxious, dissatisfied, angry or satisfied, with intensity 0..1.`;

/** True once the text holds a complete top-level JSON object (strings and escapes respected). */
function closesObject(text: string): boolean {
  let depth = 0;
  let inString = false;
  let escaped = false;
  let opened = false;
  for (const ch of text) {
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{') {
      depth++;
      opened = true;
    } else if (ch === '}') depth--;
    if (opened && depth === 0) return true;
  }
  return false;
}

export function createLlmNlu(options: { model: LanguageModel; fallback: Nlu; timeoutMs?: number; onFallback?: (reason: string) => void }): Nlu {
  const { model, fallback } = options;
  const timeoutMs = options.timeoutMs ?? 3000;

  async function ask(input: NluInput): Promise<z.infer<typeof Output>> {
    const signal = input.signal === undefined ? AbortSignal.timeout(timeoutMs) : AbortSignal.any([input.signal, AbortSignal.timeout(timeoutMs)]);
    const context = (input.history ?? []).slice(-4).map((h) => `${h.role}: ${h.content}`).join('\n');
    let text = '';
    for await (const part of model.doStream({
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: (context.length > 0 ? `Earlier turns:\n${context}\n\n` : '') + `Message: ${input.text}` },
      ],
      jsonSchema: NLU_JSON_SCHEMA,
      temperature: 0,
      maxTokens: 160,
      signal,
    })) {
      if (part.type === 'text-delta') {
        text += part.text;
        // Grammars let a model pad after the object until max tokens: stop once it is closed.
        if (closesObject(text)) break;
      } else if (part.type === 'error') throw part.error;
    }
    const json = /\{[\s\S]*\}/.exec(text)?.[0];
    if (json === undefined) throw new Error('no JSON object in the model output');
    return Output.parse(JSON.parse(json));
  }

  return {
    async understand(input: NluInput): Promise<NluResult> {
      const [base, llm] = await Promise.all([fallback.understand(input), ask(input).then((v) => ({ ok: true as const, v }), (e: unknown) => ({ ok: false as const, e }))]);
      if (!llm.ok) {
        options.onFallback?.(llm.e instanceof Error ? llm.e.message : String(llm.e));
        return Object.assign({}, base, { source: `llm→${base.source}` });
      }
      const { v } = llm;
      const rest: NluResult = { ...base };
      // Sub-intents are the embedded classifier's (a free-text field lets a model ramble until
      // max tokens); they stay only when both agree on the intent.
      if (v.intent !== base.intent) delete rest.subIntent;
      return Object.assign({}, rest, {
        intent: v.intent,
        confidence: v.confidence,
        emotion: { label: v.emotion, intensity: v.emotion === 'neutral' ? 0 : Math.round(v.intensity * 100) / 100 },
        source: 'llm',
      });
    },
  };
}
