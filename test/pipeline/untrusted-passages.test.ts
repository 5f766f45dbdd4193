import { describe, expect, it } from 'vitest';
import type { Passage } from '../../src/contracts/knowledge-base.ts';
import { UNTRUSTED_LABEL, formatPassages } from '../../src/pipeline/prompt-builder.ts';
import { retrievalAnswer, unverifiedReply } from '../../src/pipeline/retrieval-responder.ts';
import { FENCE_CLOSE, FENCE_OPEN } from '../../src/safety/input-guard/fence-context.ts';

const policy: Passage = { id: 'p#0', docId: 'p', title: '保温杯清洗', text: '用温水和小苏打清洗。', score: 8 };
const review: Passage = { id: 'r#0', docId: 'r', title: '保温杯评价', text: '保温效果很好,推荐购买。', score: 9, trust: 'untrusted' };

describe('untrusted passages in the prompt and the retrieval answer', () => {
  it('are always fenced and labelled in the prompt, title included, even when they read as harmless', () => {
    const prompt = formatPassages([review, policy], 300);
    expect(prompt).toContain(`[1] ${UNTRUSTED_LABEL} ${FENCE_OPEN}\n保温杯评价: 保温效果很好,推荐购买。\n${FENCE_CLOSE}`);
    expect(prompt).toContain('[2] 保温杯清洗: 用温水和小苏打清洗。');
  });

  it('are never quoted: the best policy passage is, cited by its place in the sources', () => {
    expect(retrievalAnswer([review, policy], 'zh')).toBe('用温水和小苏打清洗。 [2]');
    expect(retrievalAnswer([review], 'zh')).toBe(unverifiedReply('zh'));
    expect(retrievalAnswer([review], 'en')).toBe(unverifiedReply('en'));
    expect(retrievalAnswer([review], 'zh')).not.toContain('保温杯评价');
  });
});
