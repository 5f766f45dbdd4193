import type { LanguageModelStreamPart } from '../../contracts/language-model.ts';
import { mapFinishReason, parseChatCompletionChunk } from '../openai-chunk.ts';
import type { ModelResponse } from '../post-stream.ts';
import { SSELineParser, type SSEEvent } from '../read-sse-events.ts';
import { attemptError, SETTLED, type AttemptOutcome, type AttemptState } from './attempt-state.ts';

/** Reads one event into `state`; returns the text it carries ('' for none), or null at `[DONE]`. */
function readEvent(event: SSEEvent, state: AttemptState): string | null {
  if (event.type === 'unknown-field') {
    if (event.field === 'error') throw attemptError(state, 'llm_upstream_error', event.value);
    return '';
  }
  if (event.data.trim() === '[DONE]') return null;
  let json: unknown;
  try {
    json = JSON.parse(event.data);
  } catch (e) {
    throw attemptError(state, 'llm_bad_response', `not JSON: ${event.data.slice(0, 100)}`, { retryable: true, cause: e });
  }
  const chunk = parseChatCompletionChunk(json);
  if (chunk.error !== undefined) throw attemptError(state, 'llm_upstream_error', chunk.error);
  if (chunk.usage) state.usage = chunk.usage;
  if (chunk.finishReason !== undefined) state.finishReason = chunk.finishReason;
  return chunk.text;
}

/** The SSE stream of a 2xx answer, to its `finish` part; the first text clears `firstTokenTimer`. */
export async function* readEventStream(
  res: ModelResponse,
  state: AttemptState,
  firstTokenTimer: NodeJS.Timeout,
): AsyncGenerator<LanguageModelStreamPart, AttemptOutcome, undefined> {
  // The text of the events that arrived together goes up as one part, so every layer above (the
  // latency budget, the grounded generator, the transcript) runs once per network read rather than
  // once per token: a backend that writes 40 tokens at once costs one step, not 40 (issue 16). At a
  // real token rate each read carries one token, so the first text leaves no later.
  const parser = new SSELineParser();
  try {
    for (;;) {
      const chunk = await res.next();
      const events = chunk === null ? parser.end() : parser.feed(chunk);
      let text = '';
      let last = chunk === null;
      // An error event after some text: that text is delivered first, then the error, as when
      // they arrive apart.
      let fault: { error: unknown } | undefined;
      for (const event of events) {
        let t: string | null;
        try {
          t = readEvent(event, state);
        } catch (error) {
          fault = { error };
          break;
        }
        if (t === null) {
          state.sawDone = true;
          last = true;
          break;
        }
        text += t;
      }
      // Text already received is not delivered after an abort or timeout.
      if (state.cause !== undefined) throw new Error(`stopped: ${state.cause}`);
      if (text !== '') {
        if (!state.delivered) clearTimeout(firstTokenTimer);
        state.delivered = true;
        yield { type: 'text-delta', text };
      }
      if (fault !== undefined) throw fault.error;
      if (last) break;
    }
  } finally {
    // Whatever is left (nothing after [DONE]) drains, so a finished response frees its socket.
    res.release();
  }
  if (state.cause === 'abort') {
    yield { type: 'finish', finishReason: 'abort', usage: state.usage };
    return SETTLED;
  }
  if (!state.delivered && !state.sawDone && state.finishReason === undefined)
    throw attemptError(state, 'llm_bad_response', 'stream ended before any answer', { retryable: true });
  yield { type: 'finish', finishReason: mapFinishReason(state.finishReason), usage: state.usage };
  return SETTLED;
}
