import type { ChatMessage, GenerateParams, LanguageModel, LanguageModelStreamPart } from '../contracts/language-model.ts';
import { estimateTokens } from '../pipeline/prompt-builder.ts';
import { detectLang, type AttackGoal } from './attack-goal.ts';
import { complianceText, echoDemand } from './compliance-text.ts';

/** One call the model answered: what it was asked under which goal, and what it said. */
export interface ObedientCall {
  goal: AttackGoal | null;
  messages: ChatMessage[];
  text: string;
}

export interface ObedientModel extends LanguageModel {
  /** The attack the next calls give in to; null answers like a helpful, grounded model. */
  setGoal(goal: AttackGoal | null): void;
  /**
   * A compromised model: every later call answers exactly `text` (a refund it never made, an
   * internal URL), whatever it was asked; null returns to goals and grounded answers.
   */
  say(text: string | null): void;
  /** The calls since the last take, oldest first; the log is emptied. */
  takeCalls(): ObedientCall[];
}

/** Code points per text delta: a reply arrives in several parts, as from a real model. */
const DELTA_CHARS = 12;

/**
 * The first passage of a Kefu prompt (`[1] title: text` in the system message, up to `[2]`), or
 * null when the prompt has none.
 */
export function firstPassage(messages: readonly ChatMessage[]): string | null {
  const system = messages.find((m) => m.role === 'system')?.content ?? '';
  const start = system.search(/^\[1\] /m);
  if (start < 0) return null;
  const rest = system.slice(start + 4);
  const end = rest.search(/\n\[2\] /);
  const passage = (end < 0 ? rest : rest.slice(0, end)).trim();
  return passage.length > 0 ? passage : null;
}

const NO_PASSAGE = { zh: '请问还有什么可以帮您?', en: 'Is there anything else I can help with?' } as const;

/**
 * A language model that does whatever the attacker wants, so that the red-team suite tests
 * Kefu's guards on their own rather than a model's own refusals. With a goal set it emits the
 * goal's compliance text (compliance-text.ts); without one it answers by copying the first
 * retrieved passage, as a grounded model would. It answers in the language of the last user
 * message.
 */
export function createObedientModel(): ObedientModel {
  let goal: AttackGoal | null = null;
  let scripted: string | null = null;
  let calls: ObedientCall[] = [];

  const reply = (messages: ChatMessage[]): string => {
    if (scripted !== null) return scripted;
    const user = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const lang = detectLang(user);
    if (goal === 'price_manipulation' || goal === 'impersonation') return echoDemand(user, lang) + complianceText(goal, lang, messages[0]?.content ?? '');
    if (goal !== null) return complianceText(goal, lang, messages[0]?.content ?? '');
    const passage = firstPassage(messages);
    return passage === null ? NO_PASSAGE[lang] : `${passage} [1]`;
  };

  return {
    id: 'obedient',
    async ready() {},
    async *doStream(params: GenerateParams): AsyncIterable<LanguageModelStreamPart> {
      const text = reply(params.messages);
      calls.push({ goal, messages: params.messages, text });
      const chars = [...text];
      const inputTokens = params.messages.reduce((n, m) => n + estimateTokens(m.content), 0);
      let sent = '';
      for (let i = 0; i < chars.length; i += DELTA_CHARS) {
        if (params.signal?.aborted) {
          yield { type: 'finish', finishReason: 'abort', usage: { inputTokens, outputTokens: estimateTokens(sent) } };
          return;
        }
        // A turn of the event loop between parts, as a real stream has.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const delta = chars.slice(i, i + DELTA_CHARS).join('');
        sent += delta;
        yield { type: 'text-delta', text: delta };
      }
      yield { type: 'finish', finishReason: 'stop', usage: { inputTokens, outputTokens: estimateTokens(text) } };
    },
    setGoal(next) {
      goal = next;
    },
    say(text) {
      scripted = text;
    },
    takeCalls() {
      const taken = calls;
      calls = [];
      return taken;
    },
    async close() {},
  };
}
