import { afterAll, beforeAll, expect } from 'vitest';
import type { LanguageModel, LanguageModelStreamPart } from '../../src/contracts/language-model.ts';
import type { ChatReply } from '../../src/contracts/reply-part.ts';
import { postJson, startTestServer, type TestServer } from './start-test-server.ts';

/** A test server whose model says what the test last set, a few characters a token. */
export interface ScriptedChat {
  /** The model's next reply, `step` characters per token. */
  say(text: string, step?: number): void;
  /** The model says `reply` to `message` through POST /v1/chat (JSON); the reply must be 200. */
  ask(reply: string, message: string): Promise<ChatReply>;
  /** The running server's base URL (inside a test). */
  url(): string;
}

/** Call inside a `describe`: starts the server before its tests and destroys it after. */
export function useScriptedChat(modelId: string, env: Record<string, string>): ScriptedChat {
  let text = '';
  let step = 2;
  const model: LanguageModel = {
    id: modelId,
    ready: async () => {},
    close: async () => {},
    async *doStream(): AsyncIterable<LanguageModelStreamPart> {
      for (let i = 0; i < text.length; i += step) yield { type: 'text-delta', text: text.slice(i, i + step) };
      yield { type: 'finish', finishReason: 'stop', usage: { outputTokens: text.length } };
    },
  };
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await startTestServer(env, undefined, { model });
  });
  afterAll(async () => {
    await server?.destroy();
  });
  const url = (): string => {
    if (server === undefined) throw new Error('the scripted chat server is not started (call useScriptedChat inside describe)');
    return server.url;
  };
  const say = (next: string, chars = 2): void => {
    text = next;
    step = chars;
  };
  return {
    say,
    url,
    async ask(reply, message) {
      say(reply);
      const res = await postJson(`${url()}/v1/chat`, { message });
      expect(res.status).toBe(200);
      return (await res.json()) as ChatReply;
    },
  };
}
