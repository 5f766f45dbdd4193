import { describe, expect, it } from 'vitest';
import { extractEntities } from '../../../src/dialogue/entities/extract-entities.ts';
import { namesOnlyAnOrder } from '../../../src/dialogue/order-reference/names-only-an-order.ts';

const only = (text: string): boolean => namesOnlyAnOrder(text, extractEntities(text, { now: new Date('2026-11-24T10:00:00+08:00'), timeZone: 'Asia/Shanghai' }));

describe('a message that is only an order number', () => {
  it('is an order or tracking number with at most filler around it', () => {
    for (const t of ['SO7X2K9M4P1Q0003', 'so7x 2k9m 4p1q 0003', '订单号 KF20261121001', "it's SO7X-2K9M-4P1Q-0003.", 'SF1410238765012', '2026-1206-88310', '帮我查一下 SO7X2K9M4P1Q0003']) {
      expect(only(t), t).toBe(true);
    }
  });

  it('is not a message that says more, nor a number that is not order-shaped', () => {
    for (const t of ['SO7X2K9M4P1Q0003 我要退货', 'cancel SO7X2K9M4P1Q0003', '1234', '2026-11-23', 'hello', '订单号']) {
      expect(only(t), t).toBe(false);
    }
  });
});
