import { describe, expect, it } from 'vitest';
import type { Entity } from '../../../src/contracts/nlu.ts';
import { createEmbeddedNlu } from '../../../src/dialogue/embedded-nlu.ts';

describe('createEmbeddedNlu', () => {
  it('implements the Nlu contract', async () => {
    const result = await createEmbeddedNlu().understand({ text: '我的快递到哪了??' });
    expect(result).toMatchObject({ intent: 'logistics', subIntent: 'logistics.where', entities: [], lang: 'zh', source: 'embedded' });
    expect(result.confidence).toBeGreaterThan(0.5);
    expect(result.emotion.label).toBe('dissatisfied');
  });

  it('passes text, clock and time zone to the entity extractor', async () => {
    const calls: { text: string; now: Date; timeZone: string }[] = [];
    const entity: Entity = { type: 'order_id', text: 'KF20261124001', start: 2, end: 15, value: 'KF20261124001' };
    const nlu = createEmbeddedNlu({
      extractEntities: (text, o) => {
        calls.push({ text, ...o });
        return [entity];
      },
    });
    const now = new Date('2026-11-24T08:00:00Z');
    const result = await nlu.understand({ text: '订单KF20261124001咋回事', now, timeZone: 'Europe/London' });
    expect(result.entities).toEqual([entity]);
    expect(calls).toEqual([{ text: '订单KF20261124001咋回事', now, timeZone: 'Europe/London' }]);
    await nlu.understand({ text: 'hi' });
    expect(calls[1]?.timeZone).toBe('Asia/Shanghai');
  });

  it('carries emotion over from previousEmotion, or else from the history', async () => {
    const nlu = createEmbeddedNlu();
    const fromPrevious = await nlu.understand({ text: '单号是多少', previousEmotion: { label: 'angry', intensity: 0.9 } });
    expect(fromPrevious.emotion.label).toBe('angry');
    const fromHistory = await nlu.understand({
      text: '单号是多少',
      history: [
        { role: 'user', content: '什么破快递 气死了!!!' },
        { role: 'assistant', content: '非常抱歉,我来帮您查一下。' },
      ],
    });
    expect(fromHistory.emotion.label).toBe('angry');
    expect((await nlu.understand({ text: '单号是多少' })).emotion.label).toBe('neutral');
  });

  it('continues the last task when the message is only an order number', async () => {
    const nlu = createEmbeddedNlu();
    const alone = await nlu.understand({ text: 'KF20261124001' });
    expect(alone.intent).toBe('other');
    const followUp = await nlu.understand({
      text: 'KF20261124001',
      history: [{ role: 'user', content: '我要退款' }, { role: 'assistant', content: '请提供订单号' }],
    });
    expect(followUp.intent).toBe('refund');
    expect(followUp.confidence).toBeLessThanOrEqual(0.6);
  });

  it('detects the language and rejects an aborted call', async () => {
    const nlu = createEmbeddedNlu();
    expect((await nlu.understand({ text: 'where is my parcel' })).lang).toBe('en');
    const controller = new AbortController();
    controller.abort(new Error('client went away'));
    await expect(nlu.understand({ text: 'hi', signal: controller.signal })).rejects.toThrow('client went away');
  });
});
