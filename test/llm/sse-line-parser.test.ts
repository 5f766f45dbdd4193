import { describe, expect, it } from 'vitest';
import { SSELineParser, type SSEEvent } from '../../src/llm/read-sse-events.ts';

/** Feeds `bytes` cut at every `size` bytes; returns every event. */
function parse(text: string, size: number): SSEEvent[] {
  const bytes = Buffer.from(text, 'utf8');
  const p = new SSELineParser();
  const out: SSEEvent[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(...p.feed(bytes.subarray(i, i + size)));
  return [...out, ...p.end()];
}

describe('SSELineParser', () => {
  const stream = ': keep-alive\r\n\r\ndata: {"t":"退货"}\r\n\r\nevent: x\ndata: a\ndata: b\n\nerror: {"message":"boom"}\n\rdata: [DONE]';
  const expected: SSEEvent[] = [
    { type: 'message', data: '{"t":"退货"}', event: undefined },
    { type: 'message', data: 'a\nb', event: 'x' },
    { type: 'unknown-field', field: 'error', value: '{"message":"boom"}' },
    { type: 'message', data: '[DONE]', event: undefined },
  ];

  it('reads events, comments, unknown fields and a last event without its blank line, whole or cut at any byte', () => {
    for (const size of [1, 2, 3, 5, 7, 1000]) expect(parse(stream, size)).toEqual(expected);
  });

  it('returns every event a chunk completes at once', () => {
    const p = new SSELineParser();
    expect(p.feed('data: 1\n\ndata: 2\n\ndata: 3')).toHaveLength(2);
    expect(p.end()).toEqual([{ type: 'message', data: '3', event: undefined }]);
  });

  it('gives an event whose only data line is empty, and none for a blank line alone', () => {
    const p = new SSELineParser();
    expect(p.feed('\n\ndata:\n\n: note\n\n')).toEqual([{ type: 'message', data: '', event: undefined }]);
  });
});
