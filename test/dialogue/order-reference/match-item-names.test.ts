import { describe, expect, it } from 'vitest';
import type { Order } from '../../../src/contracts/order-connector.ts';
import { itemNameScores } from '../../../src/dialogue/order-reference/match-item-names.ts';

const order = (...names: string[]): Order => ({
  order_id: names[0]!,
  user_id: 'u',
  status: 'paid',
  created_at: '2026-11-20T00:00:00Z',
  total: 1,
  currency: 'CNY',
  items: names.map((name, i) => ({ sku: `s${i}`, name, qty: 1, price: 1 })),
});

const kettle = order('电热水壶 1.7L / Electric kettle 1.7L');
const heater = order('Kefu 60升电热水器 / 60 L Water Heater');
const earbuds = order('降噪蓝牙耳机 / Noise-cancelling earbuds');
const tv = order('Kefu 65英寸 4K 电视 / 65-inch 4K TV');

const best = (orders: Order[], text: string): string[] => {
  const scores = itemNameScores(orders, text);
  const top = Math.max(...scores);
  return top === 0 ? [] : orders.filter((_, i) => scores[i] === top).map((o) => o.order_id);
};

describe('item names as order references', () => {
  it('matches the ending of a Chinese name, not any shared characters', () => {
    expect(best([kettle, heater], '水壶那单')).toEqual([kettle.order_id]);
    expect(best([kettle, heater], '电热水器那个订单')).toEqual([heater.order_id]);
    expect(best([kettle, earbuds], '耳机到哪了')).toEqual([earbuds.order_id]);
    expect(best([kettle, earbuds], '那个订单')).toEqual([]);
  });

  it('matches English nouns and codes as words; the head noun outranks a modifier', () => {
    expect(best([kettle, earbuds], 'the kettle one')).toEqual([kettle.order_id]);
    expect(best([kettle, tv], 'my tv order')).toEqual([tv.order_id]);
    expect(best([kettle, earbuds], 'return the kettle, it makes a noise')).toEqual([kettle.order_id]);
    expect(best([kettle, tv], 'a kettlebell')).toEqual([]);
  });

  it('skips words every order shares, such as the brand', () => {
    expect(best([heater, tv], 'my kefu order')).toEqual([]);
  });
});
