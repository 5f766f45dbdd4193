import { describe, expect, it } from 'vitest';
import { detectEmotion } from '../../../src/dialogue/emotion-detector.ts';

describe('detectEmotion', () => {
  it('reads a message the same every time, whatever a caller did to an earlier result', () => {
    const first = detectEmotion('气死我了!!! 什么破快递');
    const expected = { ...first };
    first.label = 'satisfied';
    first.intensity = 0;
    expect(detectEmotion('气死我了!!! 什么破快递')).toEqual(expected);
    const neutral = detectEmotion('How long does shipping take?', { label: 'angry', intensity: 0.2 });
    neutral.label = 'angry';
    expect(detectEmotion('How long does shipping take?')).toEqual({ label: 'neutral', intensity: 0 });
  });

  it('is neutral for plain questions', () => {
    expect(detectEmotion('运费怎么算')).toEqual({ label: 'neutral', intensity: 0 });
    expect(detectEmotion('how do I get an invoice')).toEqual({ label: 'neutral', intensity: 0 });
  });

  it('reads words: anger, dissatisfaction, urgency', () => {
    expect(detectEmotion('你们就是一群骗子').label).toBe('angry');
    expect(detectEmotion('this is unacceptable').label).toBe('angry');
    expect(detectEmotion('等了一个星期了 太失望了').label).toBe('dissatisfied');
    expect(detectEmotion('still not here, very disappointed').label).toBe('dissatisfied');
    expect(detectEmotion('明天就要用 能不能尽快发').label).toBe('anxious');
    expect(detectEmotion('I need it by friday, please hurry').label).toBe('anxious');
  });

  it('treats express shipping (加急) as a service, not urgency', () => {
    expect(detectEmotion('可以加急配送吗').label).toBe('neutral');
  });

  it('reads punctuation: three or more ! is anger, and more marks mean more intensity', () => {
    expect(detectEmotion('退款呢!!!').label).toBe('angry');
    const two = detectEmotion('还没发货!!');
    const none = detectEmotion('还没发货');
    expect(two.label).toBe('dissatisfied');
    expect(two.intensity).toBeGreaterThan(none.intensity);
    // Full-width marks count the same.
    expect(detectEmotion('退款呢！！！').label).toBe('angry');
    expect(detectEmotion('where is my order??').label).toBe('dissatisfied');
  });

  it('reads shouting in capitals but not acronyms', () => {
    expect(detectEmotion('WHERE IS MY PARCEL').label).toBe('angry');
    expect(detectEmotion('I need a VAT invoice').label).toBe('neutral');
  });

  it('reads repetition as impatience and as extra intensity', () => {
    expect(detectEmotion('客服客服客服').label).toBe('dissatisfied');
    expect(detectEmotion('agent agent agent').label).toBe('dissatisfied');
    expect(detectEmotion('快点快点快点').intensity).toBeGreaterThan(detectEmotion('快点').intensity);
  });

  it('is satisfied on thanks and praise, but a thank-you on a request is politeness', () => {
    expect(detectEmotion('谢谢').label).toBe('satisfied');
    expect(detectEmotion('thanks so much!').label).toBe('satisfied');
    expect(detectEmotion('太好了 问题解决了').label).toBe('satisfied');
    expect(detectEmotion('请帮我查一下物流信息 谢谢').label).toBe('neutral');
    expect(detectEmotion('不满意').label).toBe('dissatisfied');
  });

  it('carries the previous emotion over', () => {
    const angry = detectEmotion('什么破服务 气死我了!!!');
    expect(angry.label).toBe('angry');
    // A neutral follow-up keeps some of the anger.
    const followUp = detectEmotion('订单号KF20261201001', angry);
    expect(followUp.label).toBe('angry');
    expect(followUp.intensity).toBeLessThan(angry.intensity);
    // The same frustration twice is stronger than once.
    const first = detectEmotion('怎么还没发货');
    const second = detectEmotion('还没发货', first);
    expect(second.label).toBe('dissatisfied');
    expect(second.intensity).toBeGreaterThan(first.intensity);
    // Weak feelings fade to neutral; thanks resets.
    expect(detectEmotion('好的', { label: 'anxious', intensity: 0.3 }).label).toBe('neutral');
    expect(detectEmotion('谢谢', angry).label).toBe('satisfied');
    // Positive feelings do not carry over into the next request.
    expect(detectEmotion('发票怎么开', { label: 'satisfied', intensity: 0.8 }).label).toBe('neutral');
  });

  it('keeps intensity within 0..1', () => {
    const e = detectEmotion('垃圾!!!!!!!!!! 骗子!!!!!!! 气死了 WTF WTF');
    expect(e.label).toBe('angry');
    expect(e.intensity).toBeLessThanOrEqual(1);
    expect(e.intensity).toBeGreaterThan(0.9);
  });
});
