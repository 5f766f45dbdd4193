import { describe, expect, it } from 'vitest';
import type { GenerateParams, LanguageModel, LanguageModelStreamPart } from '../../src/contracts/language-model.ts';
import { isKefuError } from '../../src/errors.ts';
import { LATENCY_BUDGET_CODE, withLatencyBudget } from '../../src/llm/latency-budget.ts';

/** A model that says `parts`, waiting `delayMs` before each; it records the signal it was given and whether it was finalised. */
function scripted(parts: LanguageModelStreamPart[], delayMs = 0) {
  const seen: { signal: AbortSignal | undefined; finalised: boolean } = { signal: undefined, finalised: false };
  const model: LanguageModel = {
    id: 'scripted',
    ready: async () => undefined,
    close: async () => undefined,
    async *doStream(params: GenerateParams) {
      seen.signal = params.signal;
      try {
        for (const part of parts) {
          if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
          yield part;
        }
      } finally {
        seen.finalised = true;
      }
    },
  };
  return { model, seen };
}

const ask = { messages: [{ role: 'user' as const, content: 'hi' }], maxTokens: 10 };
const finish: LanguageModelStreamPart = { type: 'finish', finishReason: 'stop', usage: {} };

describe('withLatencyBudget', () => {
  it('ends a call with no text within the budget with a latency-budget error and aborts the backend', async () => {
    const { model, seen } = scripted([{ type: 'text-delta', text: 'late' }, finish], 200);
    const parts: LanguageModelStreamPart[] = [];
    for await (const p of withLatencyBudget(model, 30).doStream(ask)) parts.push(p);
    expect(parts).toHaveLength(1);
    const [only] = parts;
    expect(only?.type === 'error' && isKefuError(only.error) && only.error.code === LATENCY_BUDGET_CODE).toBe(true);
    expect(seen.signal?.aborted).toBe(true);
  });

  it('does not abort a call that finished when the caller stops reading at its finish part, and lets it clean up', async () => {
    const { model, seen } = scripted([{ type: 'text-delta', text: 'ok' }, finish]);
    for await (const p of withLatencyBudget(model, 1000).doStream(ask)) if (p.type === 'finish') break;
    expect(seen.signal?.aborted).toBe(false);
    await new Promise((r) => setTimeout(r, 10));
    expect(seen.finalised).toBe(true);
  });

  it('aborts the backend when the caller stops reading in the middle of the text', async () => {
    const { model, seen } = scripted([{ type: 'text-delta', text: 'a' }, { type: 'text-delta', text: 'b' }, finish]);
    for await (const p of withLatencyBudget(model, 1000).doStream(ask)) if (p.type === 'text-delta') break;
    expect(seen.signal?.aborted).toBe(true);
  });

  it("passes the caller's abort, with its reason, to the backend", async () => {
    const { model, seen } = scripted([{ type: 'text-delta', text: 'a' }, { type: 'text-delta', text: 'b' }, finish], 20);
    const caller = new AbortController();
    const reason = new Error('customer left');
    const stream = withLatencyBudget(model, 1000).doStream({ ...ask, signal: caller.signal })[Symbol.asyncIterator]();
    await stream.next();
    caller.abort(reason);
    expect(seen.signal?.aborted).toBe(true);
    expect(seen.signal?.reason).toBe(reason);
    await stream.return?.(undefined);
    const already = scripted([finish]);
    const parts: LanguageModelStreamPart[] = [];
    for await (const p of withLatencyBudget(already.model, 1000).doStream({ ...ask, signal: AbortSignal.abort(reason) })) parts.push(p);
    expect(parts).toEqual([finish]);
    expect(already.seen.signal?.aborted).toBe(true);
  });
});
