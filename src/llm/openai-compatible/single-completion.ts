import type { LanguageModelStreamPart } from '../../contracts/language-model.ts';
import { mapFinishReason, parseChatCompletionChunk } from '../openai-chunk.ts';
import { readText, type ModelResponse } from '../post-stream.ts';
import { attemptError, SETTLED, type AttemptOutcome, type AttemptState } from './attempt-state.ts';

/** A server that ignored `stream: true` and answered with one completion object. */
export async function* singleCompletion(
  res: ModelResponse,
  state: AttemptState,
): AsyncGenerator<LanguageModelStreamPart, AttemptOutcome, undefined> {
  const text = await readText(res);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw attemptError(state, 'llm_bad_response', `not JSON: ${text.slice(0, 100)}`, { retryable: true, cause: e });
  }
  const chunk = parseChatCompletionChunk(json);
  if (chunk.error !== undefined) throw attemptError(state, 'llm_upstream_error', chunk.error);
  if (chunk.text !== '') yield { type: 'text-delta', text: chunk.text };
  yield { type: 'finish', finishReason: mapFinishReason(chunk.finishReason), usage: chunk.usage ?? {} };
  return SETTLED;
}
