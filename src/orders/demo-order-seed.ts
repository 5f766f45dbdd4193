import type { OrderStatus } from '../contracts/order-connector.ts';
import { chinaDayStart } from './demo-order-ids.ts';

/**
 * The orders the demo order system starts with, as times relative to the moment it is first
 * opened. docs/demo-order-system.md lists them; keep the two in step.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Products of the demo shop (kb/demo-shop), named for both Chinese and English conversations. */
export const DEMO_CATALOG = {
  purifier: { sku: 'KF-P3', name: 'Kefu 空气净化器 P3 / Air Purifier P3', price: 1299 },
  filter: { sku: 'KF-P3-FILTER', name: 'P3 原装复合滤网 / P3 composite filter', price: 129 },
  tv: { sku: 'KF-TV65', name: 'Kefu 65英寸 4K 电视 / 65-inch 4K TV', price: 4999 },
  bracket: { sku: 'KF-TV-BRACKET', name: '可调角度挂架 / Tilting wall bracket', price: 199 },
  heater: { sku: 'KF-WH60', name: 'Kefu 60升电热水器 / 60 L Water Heater', price: 1899 },
  valve: { sku: 'KF-WH-VALVE', name: '混水阀 / Mixing valve', price: 80 },
} as const;

type Product = keyof typeof DEMO_CATALOG;

export interface SeedItem {
  sku: string;
  name: string;
  qty: number;
  price: number;
}

export interface SeedReturn {
  type: 'refund' | 'exchange';
  reason: string;
  status: string;
  createdAt: number;
}

export interface SeedOrder {
  /** The order id's last three digits; the date before them is the creation date in China. */
  seq: number;
  userId: string;
  status: OrderStatus;
  createdAt: number;
  paidAt?: number;
  shippedAt?: number;
  deliveredAt?: number;
  cancelledAt?: number;
  carrier?: '顺丰' | '中通' | '京东物流';
  trackingNo?: string;
  address: string;
  items: SeedItem[];
  returns: SeedReturn[];
}

const ADDRESSES = {
  'demo-user': '上海市浦东新区张江路 88 号 3 栋 1201 室',
  u1001: '北京市朝阳区建国路 66 号院 2 号楼 803',
  u1002: '杭州市西湖区文三路 199 号 5 幢 402',
  u1003: '广州市天河区体育西路 101 号 1506',
} as const;

type DemoUser = keyof typeof ADDRESSES;

const line = (product: Product, qty = 1): SeedItem => Object.assign({}, DEMO_CATALOG[product], { qty });

/**
 * Keeps an order on the shop's calendar day it was meant for: "ordered yesterday" (27 h back)
 * seeded at 01:30 in Shanghai would fall on the day before yesterday, and "2 h ago" at 00:30 on
 * yesterday, so "昨天下的单" would find the wrong order or none. An order whose creation slipped
 * to an earlier day (of `floor(age / 1 day)` days back) moves forward, its whole timeline with it,
 * to the start of its day; no time passes `now`. At 10:00 nothing moves.
 */
function onItsDay(o: SeedOrder, now: number): SeedOrder {
  const day = chinaDayStart(now) - Math.floor((now - o.createdAt) / DAY) * DAY;
  const shift = day - o.createdAt;
  if (shift <= 0) return o;
  const move = (t: number): number => Math.min(now, t + shift);
  const moved: SeedOrder = Object.assign({}, o, { createdAt: move(o.createdAt), returns: o.returns.map((r) => Object.assign({}, r, { createdAt: move(r.createdAt) })) });
  for (const k of ['paidAt', 'shippedAt', 'deliveredAt', 'cancelledAt'] as const) {
    const t = o[k];
    if (t !== undefined) moved[k] = move(t);
  }
  return moved;
}

/** Every status appears; `demo-user` alone has all six. Days are the shop's (Asia/Shanghai, UTC+8). */
export function demoOrderSeed(now: number): SeedOrder[] {
  return seedAt(now).map((o) => onItsDay(o, now));
}

function seedAt(now: number): SeedOrder[] {
  const at = (ago: number): number => now - ago;
  const order = (
    seq: number,
    userId: DemoUser,
    status: OrderStatus,
    items: SeedItem[],
    times: Partial<Pick<SeedOrder, 'createdAt' | 'paidAt' | 'shippedAt' | 'deliveredAt' | 'cancelledAt'>> & { createdAt: number },
    extra: Partial<Pick<SeedOrder, 'carrier' | 'trackingNo' | 'returns'>> = {},
  ): SeedOrder => ({ seq, userId, status, items, address: ADDRESSES[userId], returns: [], ...times, ...extra });

  return [
    order(1, 'demo-user', 'delivered', [line('purifier')], {
      createdAt: at(3 * DAY), paidAt: at(3 * DAY - 2 * MINUTE), shippedAt: at(2 * DAY + 19 * HOUR), deliveredAt: at(1 * DAY),
    }, { carrier: '顺丰', trackingNo: 'SF1410238765012' }),
    order(2, 'demo-user', 'shipped', [line('tv'), line('bracket')], {
      createdAt: at(1 * DAY + 3 * HOUR), paidAt: at(1 * DAY + 2 * HOUR + 58 * MINUTE), shippedAt: at(20 * HOUR),
    }, { carrier: '京东物流', trackingNo: 'JDVA28714690153' }),
    order(3, 'demo-user', 'paid', [line('filter', 2)], { createdAt: at(2 * HOUR), paidAt: at(2 * HOUR - 3 * MINUTE) }),
    order(4, 'demo-user', 'pending_payment', [line('heater'), line('valve')], { createdAt: at(10 * MINUTE) }),
    order(5, 'demo-user', 'delivered', [line('heater')], {
      createdAt: at(23 * DAY), paidAt: at(23 * DAY - 1 * MINUTE), shippedAt: at(22 * DAY + 20 * HOUR), deliveredAt: at(20 * DAY),
    }, { carrier: '京东物流', trackingNo: 'JDVA30917254468' }),
    order(6, 'demo-user', 'delivered', [line('tv')], {
      createdAt: at(43 * DAY), paidAt: at(43 * DAY - 4 * MINUTE), shippedAt: at(42 * DAY + 18 * HOUR), deliveredAt: at(40 * DAY),
    }, { carrier: '京东物流', trackingNo: 'JDVA19823476501' }),
    order(7, 'demo-user', 'cancelled', [line('filter')], { createdAt: at(6 * DAY), cancelledAt: at(6 * DAY - 30 * MINUTE) }),
    order(8, 'demo-user', 'returned', [line('purifier')], {
      createdAt: at(14 * DAY), paidAt: at(14 * DAY - 1 * MINUTE), shippedAt: at(13 * DAY + 20 * HOUR), deliveredAt: at(12 * DAY),
    }, {
      carrier: '顺丰',
      trackingNo: 'SF1402937461835',
      returns: [{ type: 'refund', reason: '七天无理由退货 / changed my mind', status: 'completed', createdAt: at(11 * DAY) }],
    }),
    order(9, 'u1001', 'delivered', [line('purifier')], {
      createdAt: at(12 * DAY), paidAt: at(12 * DAY - 2 * MINUTE), shippedAt: at(11 * DAY + 20 * HOUR), deliveredAt: at(10 * DAY),
    }, { carrier: '顺丰', trackingNo: 'SF1398475620314' }),
    order(10, 'u1001', 'shipped', [line('filter', 3)], {
      createdAt: at(1 * DAY), paidAt: at(1 * DAY - 1 * MINUTE), shippedAt: at(18 * HOUR),
    }, { carrier: '中通', trackingNo: '75312846290173' }),
    order(11, 'u1002', 'paid', [line('tv')], { createdAt: at(3 * HOUR), paidAt: at(3 * HOUR - 2 * MINUTE) }),
    order(12, 'u1002', 'delivered', [line('filter', 2)], {
      createdAt: at(8 * DAY), paidAt: at(8 * DAY - 1 * MINUTE), shippedAt: at(7 * DAY + 19 * HOUR), deliveredAt: at(5 * DAY),
    }, { carrier: '中通', trackingNo: '75309184726350' }),
    order(13, 'u1003', 'cancelled', [line('purifier')], {
      createdAt: at(5 * DAY), paidAt: at(5 * DAY - 2 * MINUTE), cancelledAt: at(5 * DAY - 1 * HOUR),
    }),
    order(14, 'u1003', 'pending_payment', [line('filter')], { createdAt: at(5 * MINUTE) }),
  ];
}
