import { describe, expect, it } from 'vitest';
import { asksAboutHours, asksForPerson, noPersonWanted } from '../../src/dialogue/asks-for-person.ts';

describe('an explicit request for a person, read from the words', () => {
  it('is found whatever else the message says', () => {
    for (const text of ['我要投诉!!!你们什么破服务,马上给我转人工', '别废话了 转接人工', '有没有活人啊', '叫你们经理出来', '你们经理呢,让他来处理', '为什么不转人工?!', '能帮我转给你们的工作人员吗', 'fuck this bot, get me a real person', 'I demand to speak to your supervisor', 'useless, put a human on', 'agent', 'I need a real person now']) {
      expect(asksForPerson(text), text).toBe(true);
    }
  });

  it('is not found where a person is declined, Kefu is asked what it is, or the hours are asked', () => {
    for (const text of ['不用转人工,我自己看看', '别找客服了', '你是真人吗?', '你们是机器人还是真人回复的', '这是真人照片吗', '人工客服几点上班?', 'are you a bot?', 'no need for a human, I figured it out']) {
      expect(asksForPerson(text), text).toBe(false);
    }
    expect(noPersonWanted('你是机器人吗')).toBe(true);
    expect(noPersonWanted('转人工')).toBe(false);
  });

  it('hours questions', () => {
    for (const text of ['那你们几点上班?', '客服什么时候在线', '人工客服一般几点在', '几点以后就没人工了', 'what are your opening hours?', 'when is customer support open?', 'what time do your agents start?']) {
      expect(asksAboutHours(text), text).toBe(true);
    }
    for (const text of ['我的快递什么时候到', '退款几天到账', 'when will my order arrive?']) expect(asksAboutHours(text), text).toBe(false);
  });

  it('reads long text in linear time', () => {
    const long = `${'几点'.repeat(20_000)}${'get me a '.repeat(20_000)}`;
    const start = performance.now();
    asksForPerson(long);
    asksAboutHours(long);
    expect(performance.now() - start).toBeLessThan(2000);
  });
});
