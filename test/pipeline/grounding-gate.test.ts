import { describe, expect, it } from 'vitest';
import type { ChatReply } from '../../src/contracts/reply-part.ts';
import { useScriptedChat } from '../support/scripted-chat.ts';
import { postJson, readSse } from '../support/start-test-server.ts';

/**
 * Issue 15 item 2 as a gate: the replies seen reaching customers (a sentence cut before its
 * citation, a made-up word, the invoice passage for "运费多少?") are judged when the model stops
 * and withdrawn for the extractive answer; the turn counts as replaced (not cached). Through the
 * HTTP API, JSON and SSE, with a model that says what the test sets, two characters at a time.
 */
const CUT = 'Orders paid before 16:00 ship the same day. During big sales, dispatch [1]';

describe('the grounding gate', () => {
  const { ask, say, url } = useScriptedChat('scripted', { KEFU_CACHE: 'on' });

  it.each([
    [CUT, 'How long does shipping take?', 'dispatch [1]', '16:00'],
    ['单笔订单实付满99元包邮，不满99元收取运费 [1]', '运费多少?', '收取运费 [1]', '99元'],
    ['发票金额为订单实际支付金额（含运费），优惠券、积分抵扣部分不计入发票金额。 [2]', '运费多少?', '发票金额为', '99元'],
  ])('withdraws %s for the extractive answer', async (bad, question, fragment, fact) => {
    const r = await ask(bad, question);
    expect(r.model).toBe('retrieval');
    expect(r.reply).not.toContain(fragment);
    expect(r.reply).toContain(fact);
    expect(r.reply).toMatch(/\[\d\]/);
    expect(r.reply).not.toMatch(/^\s/);
  });

  it('never caches a withdrawn reply', async () => {
    await ask(CUT, 'How long does delivery take to Shanghai?');
    const again = await ask(CUT, 'How long does delivery take to Shanghai?');
    expect(again.cached).toBe(false);
    expect(again.reply).not.toContain('dispatch [1]');
  });

  it('streams the replacement on a new line, and the done reply holds only the replacement', async () => {
    say(CUT);
    const res = await postJson(`${url()}/v1/chat`, { message: 'How long does shipping take to Beijing?', stream: true });
    const events = await readSse(res);
    const streamed = events.filter((e) => e.event === 'delta').map((e) => (e.data as { text: string }).text).join('');
    const done = events.find((e) => e.event === 'done')!.data as ChatReply;
    expect(done.reply).not.toContain('dispatch');
    expect(done.reply).toContain('16:00');
    expect(streamed.endsWith(`\n${done.reply}`)).toBe(true);
  });

  it('shows a sound model reply as the model wrote it (last: a sound reply is cached)', async () => {
    const sound = 'Orders paid before 16:00 ship the same day. Delivery usually takes 1–2 days to Jiangsu, Zhejiang and Shanghai. [1]';
    const r = await ask(sound, 'How long does shipping take?');
    expect(r.reply).toBe(sound);
    expect(r.model).toBe('scripted');
  });
});
