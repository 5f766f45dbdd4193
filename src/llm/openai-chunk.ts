import type { FinishReason, Usage } from '../contracts/language-model.ts';

/** What one OpenAI-style chunk (or a whole non-streamed completion) says, tolerant of server quirks. */
export interface ParsedChunk {
  /** Answer text in this chunk; '' for role-only, usage-only and finish-only chunks. */
  text: string;
  /** Raw `finish_reason`, when the chunk has one. */
  finishReason?: string;
  /** Token counts, when the chunk carries them (in every chunk, the last one, or none). */
  usage?: Usage;
  /** The upstream's own error message, when the chunk is an error object. */
  error?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function errorMessage(json: Record<string, unknown>): string | undefined {
  // vLLM: {"object":"error","message":...}; OpenAI, llama.cpp, Ollama: {"error":{"message":...}} or {"error":"..."}
  if (json.object === 'error') return typeof json.message === 'string' ? json.message : 'upstream error';
  const e = json.error;
  if (typeof e === 'string') return e;
  if (isRecord(e)) return typeof e.message === 'string' ? e.message : JSON.stringify(e);
  return undefined;
}

function parseUsage(u: unknown): Usage | undefined {
  if (!isRecord(u)) return undefined;
  const usage: Usage = {};
  if (typeof u.prompt_tokens === 'number') usage.inputTokens = u.prompt_tokens;
  if (typeof u.completion_tokens === 'number') usage.outputTokens = u.completion_tokens;
  return usage.inputTokens === undefined && usage.outputTokens === undefined ? undefined : usage;
}

/**
 * Reads a `chat.completion.chunk` (streamed) or `chat.completion` (not streamed) object. Only the
 * first choice counts; unknown fields (`timings`, `system_fingerprint`, `logprobs`) are ignored.
 */
export function parseChatCompletionChunk(json: unknown): ParsedChunk {
  if (!isRecord(json)) return { text: '', error: 'chunk is not a JSON object' };
  const error = errorMessage(json);
  if (error !== undefined) return { text: '', error };
  const out: ParsedChunk = { text: '' };
  const usage = parseUsage(json.usage);
  if (usage) out.usage = usage;
  const choices = Array.isArray(json.choices) ? json.choices : [];
  const choice: unknown = choices.find((c) => isRecord(c) && (c.index ?? 0) === 0);
  if (isRecord(choice)) {
    const body = isRecord(choice.delta) ? choice.delta : isRecord(choice.message) ? choice.message : undefined;
    if (body && typeof body.content === 'string') out.text = body.content;
    if (typeof choice.finish_reason === 'string') out.finishReason = choice.finish_reason;
  }
  return out;
}

/** vLLM/llama.cpp/Ollama say `stop` or `length`; TGI says `eos_token` and `stop_sequence`. */
export function mapFinishReason(reason: string | undefined): FinishReason {
  switch (reason) {
    case 'stop':
    case 'eos':
    case 'eos_token':
    case 'stop_sequence':
    case 'end_turn':
      return 'stop';
    case 'length':
    case 'max_tokens':
      return 'length';
    case 'abort':
      return 'abort';
    default:
      return 'other';
  }
}
