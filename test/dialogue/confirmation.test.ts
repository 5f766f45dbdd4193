import { describe, expect, it } from 'vitest';
import { isAbort, parseConfirmation, parseOrdinal } from '../../src/dialogue/confirmation.ts';

describe('free-word confirmation', () => {
  it.each(['嗯对', '对的', '是的', '好的', '好', '确认', '可以', '没问题', '行', '嗯嗯', 'yes', 'Yes go ahead', 'yep', 'sure', 'ok', 'OK!', 'please do', 'well, yes', "that's right"])('"%s" is yes', (t) => {
    expect(parseConfirmation(t)).toBe('yes');
  });
  it.each(['不', '不要', '不对', '不用了', '算了', '先不了', '取消', '等一下', 'no', 'nope', "don't", 'actually no, cancel', 'wait', 'never mind', '还是算了吧', '我不想退了'])('"%s" is no', (t) => {
    expect(parseConfirmation(t)).toBe('no');
  });
  it.each(['是不是要等几天?', '这个嘛', '多久到账', 'yesterday', '可以吗?', 'what?', ''])('"%s" is unclear', (t) => {
    expect(parseConfirmation(t)).toBeNull();
  });
});

describe('leaving a flow', () => {
  it.each(['算了', '算了,不退了', '不用了', 'cancel', 'never mind', 'forget it', '我不想换了'])('"%s" aborts', (t) => expect(isAbort(t)).toBe(true));
  it.each(['取消订单', '帮我取消订单 KF20261124004', '不想要了', 'cancel my order'])('"%s" does not abort', (t) => expect(isAbort(t)).toBe(false));
});

describe('picking from a list', () => {
  it.each([['2', 2], ['第二个', 2], ['第3单', 3], ['the second one', 2], ['#1', 1], ['最近的那个', 1], ['两个都要', null], ['KF20261124004', null]] as const)('"%s" → %s', (t, n) => {
    expect(parseOrdinal(t)).toBe(n);
  });
});
