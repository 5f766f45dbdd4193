import type { GenerateParams, LanguageModelStreamPart } from '../../contracts/language-model.ts';
import { LLMProviderError } from '../llm-provider-error.ts';
import { attempt } from './attempt.ts';
import { pickSlot } from './pick-slot.ts';
import { deadlineError, type RouterContext, type Slot } from './router-context.ts';

/** One request: backends in the order `pickSlot` gives them until one settles it, within the deadline. */
export async function* routeRequest(ctx: RouterContext, params: GenerateParams): AsyncGenerator<LanguageModelStreamPart, void, undefined> {
  const { deadlineMs, slots } = ctx;
  const deadline = new AbortController();
  let deadlinePassed = false;
  const timer =
    deadlineMs === undefined
      ? undefined
      : setTimeout(() => {
          deadlinePassed = true;
          deadline.abort();
        }, deadlineMs);
  try {
    if (ctx.closed) {
      yield { type: 'error', error: new LLMProviderError('llm_closed', 'LLM router closed', { status: 503, retryable: true }) };
      return;
    }
    const tried = new Set<Slot>();
    const failures: string[] = [];
    for (;;) {
      if (params.signal?.aborted) {
        yield { type: 'finish', finishReason: 'abort', usage: {} };
        return;
      }
      if (deadlinePassed) {
        yield { type: 'error', error: deadlineError(deadlineMs) };
        return;
      }
      const slot = pickSlot(ctx, tried);
      if (slot === undefined) break;
      tried.add(slot);
      const result = yield* attempt(ctx, slot, params, deadline.signal, () => deadlinePassed);
      if (result.kind === 'done') return;
      failures.push(result.message);
    }
    const down = slots.filter((s) => !tried.has(s)).map((s) => `${s.backend.id} (${s.breaker.state()})`);
    ctx.emit({ type: 'unavailable', tried: [...tried].map((s) => s.backend.id) });
    yield {
      type: 'error',
      error: new LLMProviderError(
        'llm_unavailable',
        `no LLM backend could answer: ${[...failures, ...(down.length > 0 ? [`not tried: ${down.join(', ')}`] : [])].join('; ')}`,
        { status: 503, retryable: true },
      ),
    };
  } finally {
    clearTimeout(timer);
  }
}
