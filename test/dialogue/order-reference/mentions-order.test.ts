import { describe, expect, it } from 'vitest';
import type { NluResult } from '../../../src/contracts/nlu.ts';
import { extractEntities } from '../../../src/dialogue/entities/extract-entities.ts';
import { mentionsOrder } from '../../../src/dialogue/order-reference/mentions-order.ts';

const nlu = (text: string): NluResult => ({
  intent: 'cancel_order',
  confidence: 0.9,
  entities: extractEntities(text, { now: new Date('2026-11-24T10:00:00+08:00'), timeZone: 'Asia/Shanghai' }),
  emotion: { label: 'neutral', intensity: 0 },
  lang: 'en',
  source: 'test',
});
const mentions = (text: string, focusOrderId: string | null = null) => mentionsOrder({ text, nlu: nlu(text), orderMemory: { focusOrderId, shownOrderIds: [] } });

describe('a message pointing at one particular order', () => {
  it('names an id of any format, its last digits, or the order in focus', () => {
    expect(mentions('SO9B3D5F7H1J0021 能取消吗')).toBe(true);
    expect(mentions('查下尾号是0017的那单')).toBe(true);
    expect(mentions('can you cancel it?', 'SO7X2K9M4P1Q0003')).toBe(true);
    expect(mentions('那单能退吗', 'KF20261121001')).toBe(true);
  });

  it('not a policy question, a date, or "it" before any order was discussed', () => {
    expect(mentions('怎么取消订单?')).toBe(false);
    expect(mentions('can you cancel it?')).toBe(false);
    expect(mentions('2026-11-23 之后的订单能取消吗')).toBe(false);
  });
});
