import { createParser } from 'eventsource-parser';
import type { ObservedReply } from './reply-kind.ts';

export interface ChatExchange extends ObservedReply {
  /** The text deltas as they streamed, joined: what the customer saw before the final reply. */
  streamed: string;
  latencyMs: number;
  /** The HTTP body or SSE error of a failed request. */
  error: string | null;
}

interface DoneBody {
  reply: string;
  handoff: boolean;
  intent: string;
  flow?: { name: string; step: string };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One message in a new session over Kefu's public API (POST /v1/chat with `stream: true`), read
 * with a real SSE parser: the final reply comes from the `done` event, the handoff reason from the
 * `handoff` event. A 429 is waited out (Retry-After) and retried, so a running server's rate limit
 * slows the suite down instead of failing it.
 */
export async function sendChat(baseUrl: string, message: string, opts: { userId: string; retries?: number }): Promise<ChatExchange> {
  const url = new URL('v1/chat', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).toString();
  const started = performance.now();
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ message, user_id: opts.userId, channel: 'api', stream: true }),
    });
    if (res.status === 429 && attempt < (opts.retries ?? 5)) {
      await res.text();
      await sleep(Math.min(60, Number(res.headers.get('retry-after') ?? '1') || 1) * 1000);
      continue;
    }
    const failed = (status: number, error: string): ChatExchange => ({
      status, reply: '', handoff: false, handoffReason: null, intent: '', flow: null, streamed: '', latencyMs: performance.now() - started, error,
    });
    if (res.status !== 200 || res.body === null) return failed(res.status, (await res.text()).slice(0, 500));

    let streamed = '';
    let handoffReason: string | null = null;
    let done: DoneBody | null = null;
    let error: string | null = null;
    const parser = createParser({
      onEvent: (e) => {
        const data = JSON.parse(e.data) as Record<string, unknown>;
        if (e.event === 'delta') streamed += String(data.text ?? '');
        else if (e.event === 'handoff') handoffReason = String(data.reason ?? '');
        else if (e.event === 'done') done = data as unknown as DoneBody;
        else if (e.event === 'error') error = `${String(data.code)}: ${String(data.message)}`;
      },
    });
    const decoder = new TextDecoder();
    const reader = res.body.getReader();
    for (;;) {
      const { done: end, value } = await reader.read();
      if (end) break;
      parser.feed(decoder.decode(value, { stream: true }));
    }
    const latencyMs = performance.now() - started;
    const body = done as DoneBody | null;
    if (body === null) return { ...failed(500, error ?? 'the stream ended without a done event'), streamed };
    return {
      status: 200,
      reply: body.reply,
      handoff: body.handoff,
      handoffReason,
      intent: body.intent,
      flow: body.flow ?? null,
      streamed,
      latencyMs,
      error,
    };
  }
}
