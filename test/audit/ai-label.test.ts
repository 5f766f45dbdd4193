import { describe, expect, it } from 'vitest';
import { AI_GENERATED_LABEL, labelReply } from '../../src/audit/ai-label.ts';

describe('AI-generated label', () => {
  it('is added on its own line for channels that need it, in the reply language', () => {
    expect(AI_GENERATED_LABEL).toEqual({ zh: '本回复由AI生成', en: 'AI-generated reply' });
    expect(labelReply('退款已提交。', 'zh', 'wecom')).toBe('退款已提交。\n（本回复由AI生成）');
    expect(labelReply('Your refund is on its way.\n', 'en', 'wecom')).toBe('Your refund is on its way.\n(AI-generated reply)');
    expect(labelReply('', 'zh', 'wecom')).toBe('（本回复由AI生成）');
  });

  it('leaves other channels alone, follows a configured set, and is never added twice', () => {
    expect(labelReply('退款已提交。', 'zh', 'web')).toBe('退款已提交。');
    expect(labelReply('hi', 'en', 'web', new Set(['web']))).toBe('hi\n(AI-generated reply)');
    const once = labelReply('退款已提交。', 'zh', 'wecom');
    expect(labelReply(once, 'zh', 'wecom')).toBe(once);
  });
});
