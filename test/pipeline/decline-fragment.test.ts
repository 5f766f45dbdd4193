import { describe, expect, it } from 'vitest';
import type { ChatReply } from '../../src/contracts/reply-part.ts';
import { useScriptedChat } from '../support/scripted-chat.ts';
import { postJson, readSse } from '../support/start-test-server.ts';

/**
 * A model that declines although the passage is in its prompt is replaced by the retrieval answer.
 * Text goes out token by token, so the opening of the decline ("I'm ", "不好意思,我在资料中") used
 * to stay on screen above that answer: 30 of 229 real replies of the shipped model
 * (docs/grounding.md). A reply that opens like a decline waits for its first sentence.
 */
describe('a decline after the first tokens', () => {
  const { ask, say, url } = useScriptedChat('decliner', { KEFU_CACHE: 'off' });

  it.each([
    ["I'm sorry, I don't have that information. [1]", 'How long does shipping take?', '16:00'],
    ['不好意思,我在资料中没有找到相关信息。', '发货要多久?', '16:00'],
  ])('%s leaves no fragment above the retrieval answer', async (decline, question, fact) => {
    const r = await ask(decline, question);
    expect(r.model).toBe('retrieval');
    expect(r.reply).toContain(fact);
    expect(r.reply.startsWith(decline.slice(0, 3))).toBe(false);
    expect(r.reply).not.toMatch(/^\s*\n/);
  });

  it('a first token shorter than the opening word ("不" before "好意思") is not streamed either', async () => {
    say('不好意思,我在资料中没有找到相关信息。', 1);
    const res = await postJson(`${url()}/v1/chat`, { message: '你们支持无理由退货吗', stream: true });
    const events = await readSse(res);
    const streamed = events.filter((e) => e.event === 'delta').map((e) => (e.data as { text: string }).text).join('');
    const done = events.find((e) => e.event === 'done')!.data as ChatReply;
    expect(done.reply).toContain('7天');
    expect(streamed).toBe(done.reply);
  });

  it('an answer that only opens like one still goes out whole', async () => {
    const r = await ask('不支持预订，到货后会通知您 [1]。', '缺货商品可以预订吗?');
    expect(r.reply).toBe('不支持预订，到货后会通知您 [1]。');
  });
});
