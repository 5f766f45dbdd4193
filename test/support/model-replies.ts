/** A vLLM-shaped SSE stream that says `pieces`, one chunk each (for `startFakeOpenAIServer`). */
export function vllmSse(pieces: readonly string[]): string {
  const chunk = (delta: object, finish: string | null) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  return [chunk({ role: 'assistant', content: '' }, null), ...pieces.map((p) => chunk({ content: p }, null)), chunk({}, 'stop'), 'data: [DONE]\n\n'].join('');
}

/** What a small model said to "What payment methods do you accept?" on the demo shop (issue 15). */
export const GARBLED = ['Kefu Shop accepts Alipay, WeChat Pay, bank cards and Huabei instalments. ', 'Book Hdatapping: If the same order is charged twice, contact customer service and we will handle it manua [2]'];
/** The README's own example, cut mid-sentence. */
export const TRUNCATED = ['Orders paid before 16:00 ship the same day. ', 'During big sales, dispatch [1]'];
/** A sound answer to the payment-methods question. */
export const SOUND = ['Kefu Shop accepts Alipay, WeChat Pay, bank cards and Huabei instalments. [1]'];
