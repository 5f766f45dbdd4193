import { createHash } from 'node:crypto';
import type { ConversationStore, StoredMessage } from '../contracts/conversation-store.ts';
import { maskPii, pseudonymsToPlaceholders } from '../safety/pii/mask-pii.ts';
import { unsoundReason } from '../cache/unsound-reply.ts';

/** The seed's fine-tuning record. */
export interface ContextResponsePair {
  context: string;
  response: string;
}

/** OpenAI-style messages, as PEFT / TRL and LLaMA-Factory (`sharegpt` with `messages`) read them. */
export interface ChatRecord {
  messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
}

export interface TrainingExample {
  conversationId: string;
  pair: ContextResponsePair;
  chat: ChatRecord;
}

export interface ExportOptions {
  /** Earlier turns kept as context for each response. */
  contextTurns: number;
  /** Share of conversations (not pairs, so no conversation leaks across) held out for validation. */
  validationRatio: number;
  /** System prompt put first in each chat record. */
  systemPrompt: string;
  onProgress?: (p: { conversations: number; examples: number }) => void;
  /** The conversation's CSAT rating (1..5), null when unrated: replies of a low-rated one are left out. */
  ratingOf?: (conversationId: string) => number | null;
}

export interface ExportResult {
  train: TrainingExample[];
  validation: TrainingExample[];
  stats: { conversations: number; candidates: number; duplicates: number; skipped: Record<string, number> };
}

const SPEAKER = { user: '用户', assistant: '客服' } as const;

/** Why a reply is not a good training target, or null when it is. */
function skipReason(m: StoredMessage): string | null {
  if (m.content.trim() === '') return 'empty';
  if (m.role === 'agent') return null; // human agents' replies are the best targets there are
  if (m.meta['finishReason'] === 'abort') return 'aborted';
  if (m.meta['unanswered'] === true) return 'no_answer';
  return null;
}

const normalise = (s: string): string => s.replace(/\s+/g, ' ').trim().toLowerCase();

function heldOut(conversationId: string, ratio: number): boolean {
  const h = createHash('sha256').update(conversationId).digest().readUInt32BE(0);
  return h / 0x1_0000_0000 < ratio;
}

/**
 * Turns stored conversations into desensitised training examples: each assistant or human-agent
 * reply becomes a response, the turns before it the context. Text is masked again (agents type
 * too), exact duplicates are dropped, and whole conversations go to train or validation.
 */
export async function exportTrainingPairs(store: ConversationStore, options: ExportOptions): Promise<ExportResult> {
  const result: ExportResult = { train: [], validation: [], stats: { conversations: 0, candidates: 0, duplicates: 0, skipped: {} } };
  const seen = new Set<string>();
  let before: { updatedAt: number; id: string } | undefined;
  for (;;) {
    const page = await store.listConversations({ limit: 200, ...(before === undefined ? {} : { before }) });
    if (page.length === 0) break;
    for (const c of page) {
      result.stats.conversations++;
      const turns = (await store.listMessages(c.id))
        .filter((m) => m.role !== 'system')
        .map((m) => ({ message: m, role: m.role === 'user' ? ('user' as const) : ('assistant' as const), text: pseudonymsToPlaceholders(maskPii(m.content)).trim() }));
      turns.forEach((turn, i) => {
        if (turn.role !== 'assistant' || i === 0) return;
        const previous = turns.slice(Math.max(0, i - options.contextTurns), i);
        if (previous.at(-1)?.role !== 'user') return; // a reply must answer a customer turn
        result.stats.candidates++;
        // Replaced, fallen back, not strictly grounded, complained about, asked again or rated low: not a target.
        const next = turns[i + 1]?.message;
        const reason =
          skipReason(turn.message) ??
          unsoundReason(turn.message, { question: previous.at(-1)!.message, next: next?.role === 'user' ? next : undefined, rating: options.ratingOf?.(c.id) ?? null });
        if (reason !== null) {
          result.stats.skipped[reason] = (result.stats.skipped[reason] ?? 0) + 1;
          return;
        }
        const context = previous.map((t) => `${SPEAKER[t.role]}:${t.text}`).join('\n');
        const key = createHash('sha256').update(`${normalise(context)}\u0000${normalise(turn.text)}`).digest('hex');
        if (seen.has(key)) {
          result.stats.duplicates++;
          return;
        }
        seen.add(key);
        const example: TrainingExample = {
          conversationId: c.id,
          pair: { context, response: turn.text },
          chat: {
            messages: [
              { role: 'system', content: options.systemPrompt },
              ...previous.map((t) => ({ role: t.role, content: t.text })),
              { role: 'assistant', content: turn.text },
            ],
          },
        };
        (heldOut(c.id, options.validationRatio) ? result.validation : result.train).push(example);
      });
      options.onProgress?.({ conversations: result.stats.conversations, examples: result.train.length + result.validation.length });
    }
    const last = page.at(-1)!;
    before = { updatedAt: last.updatedAt, id: last.id };
  }
  return result;
}

/** The PEFT adapter config of the seed: r=16, alpha=32, q_proj and v_proj, dropout 0.1. */
export function peftAdapterConfig(baseModel: string): Record<string, unknown> {
  return {
    peft_type: 'LORA',
    task_type: 'CAUSAL_LM',
    base_model_name_or_path: baseModel,
    r: 16,
    lora_alpha: 32,
    lora_dropout: 0.1,
    target_modules: ['q_proj', 'v_proj'],
    bias: 'none',
    fan_in_fan_out: false,
    inference_mode: false,
  };
}
