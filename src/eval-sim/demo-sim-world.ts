import Database from 'better-sqlite3';
import type { Order, OrderStatus } from '../contracts/order-connector.ts';
import { createDemoOrderSystem } from '../orders/demo-order-system.ts';
import { chinaDate } from '../orders/demo-order-ids.ts';
import { fitsGoal } from './goal-orders.ts';
import type { Rng } from './seeded-random.ts';
import { SIM_PRODUCTS, ZH_ADDRESS_PARTS, type SimProduct } from './sim-vocabulary.ts';
import type { GoalKind, OrderFacts, SimWorld, WorldSnapshot } from './sim-types.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** 10:00 in Shanghai on a Tuesday, inside the default business hours; each conversation is a day later. */
export const SIM_START = Date.parse('2027-03-02T10:00:00+08:00');

interface PlannedOrder {
  status: OrderStatus;
  products: SimProduct[];
  /** How long before the conversation it was created; paid, shipped, delivered follow. */
  age: number;
  deliveredAgo?: number;
}

/** The goal's order: in a state where the goal can be met (see fitsGoal). */
function targetPlan(kind: GoalKind, rng: Rng): Omit<PlannedOrder, 'products'> | null {
  switch (kind) {
    case 'return':
      return { status: 'delivered', age: rng.int(3, 7) * DAY, deliveredAgo: rng.int(1, 5) * DAY - rng.int(0, 6) * HOUR };
    case 'exchange':
      return { status: 'delivered', age: rng.int(4, 14) * DAY, deliveredAgo: rng.int(2, 12) * DAY };
    case 'refund_status':
      return { status: 'returned', age: rng.int(8, 20) * DAY, deliveredAgo: rng.int(6, 7) * DAY };
    case 'order_status':
      return rng.chance(0.7) ? { status: 'shipped', age: rng.int(20, 60) * HOUR } : { status: 'paid', age: rng.int(1, 20) * HOUR };
    case 'address_change':
    case 'cancel':
      return rng.chance(0.65) ? { status: 'paid', age: rng.int(1, 30) * HOUR } : { status: 'pending_payment', age: rng.int(3, 25) * MINUTE };
    case 'invoice':
      return rng.chance(0.6) ? { status: 'delivered', age: rng.int(4, 20) * DAY, deliveredAgo: rng.int(2, 15) * DAY } : { status: 'shipped', age: rng.int(20, 50) * HOUR };
    default:
      return null;
  }
}

/** Other orders of the customer, some in the same state as the target so "which order?" is a real question. */
function distractorPlan(rng: Rng, like: Omit<PlannedOrder, 'products'> | null): Omit<PlannedOrder, 'products'> {
  if (like !== null && rng.chance(0.35)) return { ...like, age: like.age + rng.int(1, 3) * HOUR, ...(like.deliveredAgo === undefined ? {} : { deliveredAgo: like.deliveredAgo + rng.int(1, 5) * HOUR }) };
  return rng.pick([
    { status: 'delivered', age: rng.int(25, 60) * DAY, deliveredAgo: rng.int(20, 55) * DAY },
    { status: 'shipped', age: rng.int(20, 60) * HOUR },
    { status: 'cancelled', age: rng.int(2, 30) * DAY },
    { status: 'delivered', age: rng.int(10, 20) * DAY, deliveredAgo: rng.int(8, 9) * DAY },
    { status: 'paid', age: rng.int(2, 40) * HOUR },
  ] satisfies Omit<PlannedOrder, 'products'>[]);
}

function trackingNo(rng: Rng, carrier: string): string {
  const digits = (n: number) => Array.from({ length: n }, () => rng.int(0, 9)).join('');
  return carrier === '顺丰' ? `SF${digits(13)}` : carrier === '京东物流' ? `JDVA${digits(11)}` : `7${digits(13)}`;
}

/** The statements the simulator writes customers and reads facts with. */
function prepareWorld(db: Database.Database) {
  return {
    insertOrder: db.prepare(`
      INSERT INTO orders (order_id, user_id, status, created_at, paid_at, shipped_at, delivered_at, cancelled_at, carrier, tracking_no, total_fen, currency, address)
      VALUES (@order_id, @user_id, @status, @created_at, @paid_at, @shipped_at, @delivered_at, @cancelled_at, @carrier, @tracking_no, @total_fen, 'CNY', @address)`),
    insertItem: db.prepare<[string, number, string, string, number, number]>('INSERT INTO order_items (order_id, line_no, sku, name, qty, price_fen) VALUES (?, ?, ?, ?, ?, ?)'),
    insertReturn: db.prepare<[string, string, string, string, string, number]>("INSERT INTO returns (return_id, order_id, type, reason, skus, status, created_at) VALUES (?, ?, ?, ?, ?, 'completed', ?)"),
    ordersOf: db.prepare<[string], { order_id: string; status: OrderStatus; address: string }>('SELECT order_id, status, address FROM orders WHERE user_id = ?'),
    returnsOf: db.prepare<[string], { order_id: string; type: 'refund' | 'exchange'; reason: string }>('SELECT r.order_id, r.type, r.reason FROM returns r JOIN orders o ON o.order_id = r.order_id WHERE o.user_id = ? ORDER BY r.created_at, r.return_id'),
    taken: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM orders WHERE order_id = ?'),
  };
}

/**
 * The built-in demo order system with fresh customers: before each conversation one customer
 * (`sim-<seed>-<n>`) gets a target order fit for the goal and up to three others, written into
 * the demo order database Kefu reads (same schema as its seed). State is read back from that
 * database, so what Kefu wrote is checked where the shop would see it.
 */
export function createDemoSimWorld(options: { path: string; seed: number }): SimWorld & { readonly path: string } {
  let clock = SIM_START;
  const now = () => clock;
  // Creates, migrates and seeds the database, exactly as Kefu would on first start.
  void createDemoOrderSystem({ path: options.path, now }).close();
  const db = new Database(options.path, { timeout: 5000 });
  db.pragma('journal_mode = WAL');
  const { insertOrder, insertItem, insertReturn, ordersOf, returnsOf, taken } = prepareWorld(db);
  const nextSeq = new Map<string, number>();

  const orderId = (createdAt: number): string => {
    const date = chinaDate(createdAt);
    for (;;) {
      // The seed numbers its orders from 1; simulated ones start at 101.
      const seq = nextSeq.get(date) ?? 101;
      nextSeq.set(date, seq + 1);
      if (seq > 999) throw new Error(`more than 899 simulated orders on ${date}`);
      const id = `KF${date}${seq}`;
      if (taken.get(id)!.n === 0) return id;
    }
  };

  const create = (userId: string, plan: PlannedOrder, rng: Rng): Order => {
    const createdAt = clock - plan.age;
    const id = orderId(createdAt);
    const paid = plan.status === 'pending_payment' || (plan.status === 'cancelled' && rng.chance(0.5)) ? null : createdAt + rng.int(1, 5) * MINUTE;
    const delivered = plan.deliveredAgo === undefined ? null : clock - plan.deliveredAgo;
    const shipped = plan.status === 'shipped' ? Math.min(clock - HOUR, createdAt + rng.int(4, 18) * HOUR) : delivered === null ? null : Math.min(delivered - HOUR, createdAt + rng.int(4, 18) * HOUR);
    const carrier = shipped === null ? null : plan.products.some((p) => p.price >= 1000) ? rng.pick(['顺丰', '京东物流']) : '中通';
    const items = plan.products.map((p) => ({ sku: p.sku, name: p.name, qty: p.price < 200 ? rng.int(1, 3) : 1, price: p.price }));
    const address = `${rng.pick(ZH_ADDRESS_PARTS.city)}${rng.pick(ZH_ADDRESS_PARTS.road)} ${rng.int(1, 400)} 号`;
    insertOrder.run({
      order_id: id, user_id: userId, status: plan.status, created_at: createdAt, paid_at: paid, shipped_at: shipped, delivered_at: delivered,
      cancelled_at: plan.status === 'cancelled' ? createdAt + HOUR : null, carrier, tracking_no: carrier === null ? null : trackingNo(rng, carrier),
      total_fen: items.reduce((s, i) => s + i.qty * i.price * 100, 0), address,
    });
    items.forEach((item, n) => insertItem.run(id, n + 1, item.sku, item.name, item.qty, item.price * 100));
    if (plan.status === 'returned' && delivered !== null) insertReturn.run(`RS${id.slice(2)}`, id, 'refund', '不想要了 / changed my mind', JSON.stringify(items.map((i) => i.sku)), delivered + DAY);
    const iso = (ms: number | null) => (ms === null ? undefined : new Date(ms).toISOString());
    const order: Order = { order_id: id, user_id: userId, status: plan.status, created_at: iso(createdAt)!, total: items.reduce((s, i) => s + i.qty * i.price, 0), currency: 'CNY', items };
    if (paid !== null) order.paid_at = iso(paid)!;
    if (shipped !== null) order.shipped_at = iso(shipped)!;
    if (delivered !== null) order.delivered_at = iso(delivered)!;
    return order;
  };

  return {
    name: 'demo order system (fresh simulated customers)',
    path: options.path,
    now,
    async prepare(kind, rng, index) {
      clock = SIM_START + index * DAY;
      const userId = `sim-${options.seed}-${index + 1}`;
      const products = rng.shuffle(SIM_PRODUCTS);
      const target = targetPlan(kind, rng);
      const plans: PlannedOrder[] = [];
      if (target !== null) plans.push({ ...target, products: [products[0]!] });
      const others = rng.int(target === null ? 1 : 0, 3);
      for (let i = 0; i < others; i++) plans.push({ ...distractorPlan(rng, target), products: [products[i + 1]!] });
      const created = db.transaction(() => plans.map((p) => create(userId, p, rng)))();
      const orders = [...created].sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
      const goalOrder = target === null ? null : created[0]!;
      if (goalOrder !== null && fitsGoal(kind, goalOrder, clock) !== true) throw new Error(`simulated ${kind} order ${goalOrder.order_id} does not fit its goal`);
      return { userId, orders, target: goalOrder };
    },
    async snapshot(c) {
      const facts = new Map<string, OrderFacts>();
      for (const row of ordersOf.all(c.userId)) facts.set(row.order_id, { status: row.status, address: row.address, returns: [] });
      for (const r of returnsOf.all(c.userId)) facts.get(r.order_id)?.returns.push({ type: r.type, reason: r.reason });
      return facts as WorldSnapshot;
    },
    async close() {
      db.close();
    },
  };
}
