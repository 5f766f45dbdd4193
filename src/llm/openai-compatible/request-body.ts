import type { GenerateParams } from '../../contracts/language-model.ts';

/** The `/chat/completions` body for `params`; `model` unset leaves the choice to the server. */
export function requestBody(params: GenerateParams, model: string | undefined): Record<string, unknown> {
  const body: Record<string, unknown> = {
    messages: params.messages.map((m) => ({ role: m.role, content: m.content })),
    stream: true,
    stream_options: { include_usage: true },
  };
  if (model !== undefined) body.model = model;
  if (params.maxTokens !== undefined) body.max_tokens = params.maxTokens;
  if (params.temperature !== undefined) body.temperature = params.temperature;
  if (params.topP !== undefined) body.top_p = params.topP;
  if (params.stop !== undefined && params.stop.length > 0) body.stop = params.stop;
  if (params.jsonSchema !== undefined)
    body.response_format = { type: 'json_schema', json_schema: { name: 'reply', schema: params.jsonSchema } };
  return body;
}
