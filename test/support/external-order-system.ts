import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A shop's own order system, written apart from Kefu's demo one: a plain `node:http` server on a
 * random loopback port that speaks the order-system contract (ARCHITECTURE.md part 2, "Order
 * system connector") with ids in another format (`SO` + 14 letters and digits), its own users
 * (`c-7781`, `c-2044`), products, carriers and dates. It sends `null` for absent fields, extra
 * fields Kefu must ignore, and bare-string errors (`{"error": "..."}`), as real systems do.
 *
 * Dates are relative to `now` (tests pin it to the demo clock, Tuesday 2026-11-24 10:00 +08:00).
 *
 * | id | user | status | placed | items |
 * |---|---|---|---|---|
 * | SO9B3D5F7H1J0021 | c-7781 | paid | yesterday (Mon) 15:20 | 电热水壶 1.7L / Electric kettle 1.7L |
 * | SO7X2K9M4P1Q0003 | c-7781 | shipped | 4 days ago (Fri), shipped Sat, 申通快递 773201948812345 | 不锈钢真空保温杯 500ml / Stainless steel vacuum flask 500ml |
 * | SO2A6C0E4G8L0032 | c-7781 | delivered | 5 days ago (Thu), delivered Sun | 真丝睡衣 / Silk pyjamas |
 * | SO4H8N2R6T0W0017 | c-7781 | delivered | 14 days ago, delivered 11 days ago | 降噪蓝牙耳机 / Noise-cancelling earbuds |
 * | SO1C5E9G3K7M0042 | c-2044 | shipped | 2 days ago | 天然橡胶瑜伽垫 / Natural rubber yoga mat |
 */
export const EXTERNAL_USER = 'c-7781';
export const OTHER_EXTERNAL_USER = 'c-2044';

type Status = 'pending_payment' | 'paid' | 'shipped' | 'delivered' | 'cancelled' | 'returned';

interface ShopOrder {
  order_id: string;
  user_id: string;
  status: Status;
  created_at: string;
  paid_at: string | null;
  shipped_at: string | null;
  delivered_at: string | null;
  carrier: string | null;
  tracking_no: string | null;
  total: number;
  currency: string;
  items: { sku: string; name: string; qty: number; price: number }[];
  /** Not in the contract: Kefu must ignore it. */
  warehouse: string;
  address: string;
}

export interface ExternalWrite {
  kind: 'return' | 'address' | 'cancel';
  orderId: string;
  body: unknown;
}

export interface ExternalOrderSystem {
  url: string;
  /** Writes that were applied (replays with the same idempotency key are not repeated here). */
  writes: ExternalWrite[];
  requests: string[];
  close(): Promise<void>;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function seed(now: number): ShopOrder[] {
  const at = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
  const order = (id: string, user: string, status: Status, placedAgo: number, times: { paid?: number; shipped?: number; delivered?: number }, item: { sku: string; name: string; price: number }, track: [string, string] | null = null): ShopOrder => ({
    order_id: id,
    user_id: user,
    status,
    created_at: at(now - placedAgo)!,
    paid_at: at(times.paid === undefined ? null : now - times.paid),
    shipped_at: at(times.shipped === undefined ? null : now - times.shipped),
    delivered_at: at(times.delivered === undefined ? null : now - times.delivered),
    carrier: track?.[0] ?? null,
    tracking_no: track?.[1] ?? null,
    total: item.price,
    currency: 'CNY',
    items: [{ ...item, qty: 1 }],
    warehouse: 'HZ-02',
    address: '浙江省杭州市余杭区文一西路 969 号',
  });
  return [
    // 2026-11-23 15:20 +08:00 is 18 h 40 min before the demo clock.
    order('SO9B3D5F7H1J0021', EXTERNAL_USER, 'paid', 18 * HOUR + 40 * 60_000, { paid: 18 * HOUR + 38 * 60_000 }, { sku: 'KT-17', name: '电热水壶 1.7L / Electric kettle 1.7L', price: 159 }),
    order('SO7X2K9M4P1Q0003', EXTERNAL_USER, 'shipped', 4 * DAY, { paid: 4 * DAY - 5 * 60_000, shipped: 3 * DAY - 8 * HOUR }, { sku: 'VF-500', name: '不锈钢真空保温杯 500ml / Stainless steel vacuum flask 500ml', price: 89 }, ['申通快递', '773201948812345']),
    order('SO2A6C0E4G8L0032', EXTERNAL_USER, 'delivered', 5 * DAY, { paid: 5 * DAY - 60_000, shipped: 4 * DAY, delivered: 2 * DAY }, { sku: 'SP-M', name: '真丝睡衣 / Silk pyjamas', price: 459 }, ['顺丰速运', 'SF1122334455667']),
    order('SO4H8N2R6T0W0017', EXTERNAL_USER, 'delivered', 14 * DAY, { paid: 14 * DAY - 60_000, shipped: 13 * DAY, delivered: 11 * DAY }, { sku: 'EB-NC2', name: '降噪蓝牙耳机 / Noise-cancelling earbuds', price: 399 }, ['顺丰速运', 'SF1099887766554']),
    order('SO1C5E9G3K7M0042', OTHER_EXTERNAL_USER, 'shipped', 2 * DAY, { paid: 2 * DAY - 60_000, shipped: 1 * DAY }, { sku: 'YM-6', name: '天然橡胶瑜伽垫 / Natural rubber yoga mat', price: 239 }, ['申通快递', '773209988776655']),
  ];
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The shop's rules: refunds within 7 days of delivery or before shipping; changes before shipping. */
function refusal(order: ShopOrder, kind: ExternalWrite['kind'], now: number, body: Record<string, unknown>): string | null {
  if (order.status === 'cancelled') return 'Order is cancelled';
  if (kind === 'return') {
    if (order.status === 'returned') return 'Order was already returned';
    if (order.status === 'pending_payment') return 'Order is not paid';
    if (order.status === 'shipped') return 'Order is in transit';
    if (order.status === 'paid') return body['type'] === 'exchange' ? 'Order has not been delivered' : null;
    const days = (now - Date.parse(order.delivered_at!)) / DAY;
    return days > (body['type'] === 'exchange' ? 15 : 7) ? 'Return window has expired' : null;
  }
  return order.status === 'pending_payment' || order.status === 'paid' ? null : 'Order has already shipped';
}

export async function startExternalOrderSystem(options: { now: () => number }): Promise<ExternalOrderSystem> {
  const orders = seed(options.now());
  const writes: ExternalWrite[] = [];
  const requests: string[] = [];
  const replays = new Map<string, { status: number; body: unknown }>();
  // The delivery address stays inside the shop's system; the contract does not carry it.
  const strip = ({ address: _address, ...wire }: ShopOrder) => wire;

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://shop.invalid');
      requests.push(`${req.method} ${url.pathname}${url.search}`);
      const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      if (req.method === 'GET' && parts.length === 1 && parts[0] === 'orders') {
        const user = url.searchParams.get('user_id');
        if (user === null) return send(res, 400, { error: 'user_id is required' });
        const mine = orders.filter((o) => o.user_id === user).sort((a, b) => b.created_at.localeCompare(a.created_at));
        return send(res, 200, { orders: mine.map(strip), page: 1 });
      }
      const order = parts[0] === 'orders' && parts[1] !== undefined ? orders.find((o) => o.order_id === parts[1]) : undefined;
      if (req.method === 'GET' && parts.length === 2) return order === undefined ? send(res, 404, { error: 'no such order' }) : send(res, 200, strip(order));
      const kind = ({ returns: 'return', address: 'address', cancel: 'cancel' } as const)[parts[2] as 'returns' | 'address' | 'cancel'];
      if (req.method !== 'POST' || parts.length !== 3 || kind === undefined) return send(res, 404, { error: 'not found' });
      const key = req.headers['idempotency-key'];
      if (typeof key !== 'string' || key.length === 0) return send(res, 400, { error: 'Idempotency-Key header required' });
      const replay = replays.get(key);
      if (replay !== undefined) return send(res, replay.status, replay.body);
      const body = (JSON.parse((await readBody(req)) || '{}') ?? {}) as Record<string, unknown>;
      if (order === undefined) return send(res, 404, { error: 'no such order' });
      const why = refusal(order, kind, options.now(), body);
      if (why !== null) return send(res, 409, { error: why });
      writes.push({ kind, orderId: order.order_id, body });
      let result: { status: number; body: unknown };
      if (kind === 'return') result = { status: 201, body: { return_id: `RMA-${order.order_id.slice(-4)}-${writes.length}`, status: 'pending_review' } };
      else if (kind === 'address') {
        order.address = String(body['address']);
        result = { status: 200, body: { ok: true } };
      } else {
        order.status = 'cancelled';
        result = { status: 200, body: { ok: true } };
      }
      replays.set(key, result);
      return send(res, result.status, result.body);
    })().catch(() => send(res, 500, { error: 'internal' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    writes,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
