import { describe, expect, it } from 'vitest';
import { degradedReply, HANDOFF_OFFER } from '../../../src/llm/router/degrade.ts';

describe('degradedReply', () => {
  it('cached answer, then retrieval answer, then a handoff offer', () => {
    expect(degradedReply({ cachedAnswer: '已发货', retrievalAnswer: '物流信息', lang: 'zh' })).toEqual({ kind: 'cached', text: '已发货' });
    expect(degradedReply({ cachedAnswer: '  ', retrievalAnswer: '物流信息', lang: 'zh' })).toEqual({ kind: 'retrieval', text: '物流信息' });
    expect(degradedReply({ lang: 'zh' })).toEqual({ kind: 'handoff_offer', text: HANDOFF_OFFER.zh });
    expect(degradedReply({ retrievalAnswer: undefined, lang: 'en' })).toEqual({ kind: 'handoff_offer', text: HANDOFF_OFFER.en });
    expect(HANDOFF_OFFER.zh).toContain('人工客服');
    expect(HANDOFF_OFFER.en).toMatch(/human agent/);
  });
});
