import { createParser } from 'eventsource-parser';

export type SSEEvent =
  | { type: 'message'; data: string; event: string | undefined }
  /** A line with a field SSE does not define; llama.cpp server reports errors as `error: {...}`. */
  | { type: 'unknown-field'; field: string; value: string };

/**
 * Reads a `text/event-stream` body as SSE events. Comments (keep-alives) are skipped, chunk
 * boundaries may fall anywhere (even inside a UTF-8 character), and a last event without its
 * closing blank line is still delivered. Stopping the iteration cancels the body.
 */
export async function* readSSEEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<SSEEvent, void, undefined> {
  const pending: SSEEvent[] = [];
  const parser = createParser({
    onEvent: (e) => pending.push({ type: 'message', data: e.data, event: e.event }),
    onError: (e) => {
      if (e.type === 'unknown-field' && e.field !== undefined)
        pending.push({ type: 'unknown-field', field: e.field, value: e.value ?? '' });
    },
  });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
      while (pending.length > 0) yield pending.shift()!;
    }
    finished = true;
    // A body that ends without the closing blank line still delivers its last event.
    parser.feed(`${decoder.decode()}\n\n`);
    while (pending.length > 0) yield pending.shift()!;
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
