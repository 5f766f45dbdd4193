import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type {
  AddressChange,
  Order,
  OrderCallOptions,
  OrderConnector,
  OrderStatus,
  ReturnReceipt,
  ReturnRequest,
} from '../contracts/order-connector.ts';
import { runMigrations } from '../store/sqlite/run-migrations.ts';
import { demoOrderMigrations } from './demo-order-migrations.ts';
import { chinaDate, demoOrderId, demoReturnId } from './demo-order-ids.ts';
import { checkBeforeShipping, checkReturn, type Refusal, type RuleOrder } from './demo-order-rules.ts';
import { demoOrderSeed } from './demo-order-seed.ts';
import { OrderError, throwIfAborted } from './order-error.ts';
import { addressRequestSchema, idempotencyKeySchema, parseArgument, returnRequestSchema, userIdSchema } from './order-schemas.ts';

export interface DemoOrderSystemOptions {
  /** Database file; parent folders are created. `:memory:` works for throwaway use. */
  path: string;
  /** Clock in epoch ms: seeding, the return windows and write times use it. Default `Date.now`. */
  now?: () => number;
}

/** The built-in order system: an `OrderConnector` over its own SQLite database. */
export interface DemoOrderSystem extends OrderConnector {
  /** The delivery address and recipient on file (outside the connector contract). */
  deliveryOf(orderId: string): { address: string; recipient_name: string | null; recipient_phone: string | null } | null;
  close(): Promise<void>;
}

/**
 * Opens (creating and seeding on first open, see docs/demo-order-system.md) the demo shop's order
 * database. Every write runs in one `BEGIN IMMEDIATE` transaction together with its idempotency
 * record, so a repeated key never writes twice, even from two processes sharing the file.
 */
export function createDemoOrderSystem(options: DemoOrderSystemOptions): DemoOrderSystem {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const db = new Database(options.path, { timeout: 5000 });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    runMigrations(db, demoOrderMigrations);
    const system = new SqliteDemoOrderSystem(db, options.now ?? Date.now);
    system.seedOnce();
    return system;
  } catch (e) {
    db.close();
    throw e;
  }
}

interface OrderRow {
  order_id: string;
  user_id: string;
  status: OrderStatus;
  created_at: number;
  paid_at: number | null;
  shipped_at: number | null;
  delivered_at: number | null;
  carrier: string | null;
  tracking_no: string | null;
  total_fen: number;
  currency: string;
}

interface ItemRow {
  sku: string;
  name: string;
  qty: number;
  price_fen: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const toFen = (yuan: number): number => Math.round(yuan * 100);

class SqliteDemoOrderSystem implements DemoOrderSystem {
  readonly #db: Database.Database;
  readonly #now: () => number;
  readonly #sql;

  constructor(db: Database.Database, now: () => number) {
    this.#db = db;
    this.#now = now;
    this.#sql = {
      order: db.prepare<[string], OrderRow>('SELECT * FROM orders WHERE order_id = ?'),
      ordersOf: db.prepare<[string], OrderRow>('SELECT * FROM orders WHERE user_id = ? ORDER BY created_at DESC, order_id DESC'),
      items: db.prepare<[string], ItemRow>('SELECT sku, name, qty, price_fen FROM order_items WHERE order_id = ? ORDER BY line_no'),
      openReturns: db.prepare<[string], { n: number }>("SELECT COUNT(*) AS n FROM returns WHERE order_id = ? AND status = 'requested'"),
      returnsOfDay: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM returns WHERE return_id LIKE ?'),
      insertReturn: db.prepare<[string, string, string, string, string, string, number]>(
        'INSERT INTO returns (return_id, order_id, type, reason, skus, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      // A change without a recipient keeps the one on file.
      changeAddress: db.prepare<[string, string | null, string | null, number, string]>(
        'UPDATE orders SET address = ?, recipient_name = COALESCE(?, recipient_name), recipient_phone = COALESCE(?, recipient_phone), address_changed_at = ? WHERE order_id = ?',
      ),
      delivery: db.prepare<[string], { address: string; recipient_name: string | null; recipient_phone: string | null }>(
        'SELECT address, recipient_name, recipient_phone FROM orders WHERE order_id = ?',
      ),
      cancel: db.prepare<[number, string]>("UPDATE orders SET status = 'cancelled', cancelled_at = ? WHERE order_id = ?"),
      key: db.prepare<[string], { fingerprint: string; result: string }>('SELECT fingerprint, result FROM idempotency_keys WHERE key = ?'),
      insertKey: db.prepare<[string, string, string, number]>(
        'INSERT INTO idempotency_keys (key, fingerprint, result, created_at) VALUES (?, ?, ?, ?)',
      ),
    };
  }

  /** Seeds the demo orders once per database, relative to the clock at that moment. */
  seedOnce(): void {
    const seed = this.#db.transaction(() => {
      const done = this.#db.prepare("SELECT 1 FROM demo_meta WHERE name = 'seeded_at'").get();
      if (done !== undefined) return;
      const now = this.#now();
      const insertOrder = this.#db.prepare(`
        INSERT INTO orders (order_id, user_id, status, created_at, paid_at, shipped_at, delivered_at, cancelled_at,
                            carrier, tracking_no, total_fen, currency, address)
        VALUES (@order_id, @user_id, @status, @created_at, @paid_at, @shipped_at, @delivered_at, @cancelled_at,
                @carrier, @tracking_no, @total_fen, 'CNY', @address)`);
      const insertItem = this.#db.prepare<[string, number, string, string, number, number]>(
        'INSERT INTO order_items (order_id, line_no, sku, name, qty, price_fen) VALUES (?, ?, ?, ?, ?, ?)',
      );
      for (const o of demoOrderSeed(now)) {
        const orderId = demoOrderId(o.createdAt, o.seq);
        insertOrder.run({
          order_id: orderId,
          user_id: o.userId,
          status: o.status,
          created_at: o.createdAt,
          paid_at: o.paidAt ?? null,
          shipped_at: o.shippedAt ?? null,
          delivered_at: o.deliveredAt ?? null,
          cancelled_at: o.cancelledAt ?? null,
          carrier: o.carrier ?? null,
          tracking_no: o.trackingNo ?? null,
          total_fen: o.items.reduce((sum, i) => sum + i.qty * toFen(i.price), 0),
          address: o.address,
        });
        o.items.forEach((i, n) => insertItem.run(orderId, n + 1, i.sku, i.name, i.qty, toFen(i.price)));
        for (const r of o.returns) {
          const skus = JSON.stringify(o.items.map((i) => i.sku));
          this.#sql.insertReturn.run(this.#nextReturnId(r.createdAt), orderId, r.type, r.reason, skus, r.status, r.createdAt);
        }
      }
      this.#db.prepare("INSERT INTO demo_meta (name, value) VALUES ('seeded_at', ?)").run(iso(now));
    });
    seed.immediate();
  }

  async getOrder(orderId: string, options?: OrderCallOptions): Promise<Order | null> {
    throwIfAborted(options?.signal);
    const row = this.#sql.order.get(orderId);
    return row ? this.#toOrder(row) : null;
  }

  async listOrders(userId: string, options?: OrderCallOptions): Promise<Order[]> {
    throwIfAborted(options?.signal);
    const id = parseArgument(userIdSchema, userId, 'user id');
    return this.#sql.ordersOf.all(id).map((row) => this.#toOrder(row));
  }

  async createReturn(orderId: string, request: ReturnRequest, idempotencyKey: string, options?: OrderCallOptions): Promise<ReturnReceipt> {
    throwIfAborted(options?.signal);
    const { type, reason, items } = parseArgument(returnRequestSchema, request, 'return request');
    const fingerprint = JSON.stringify(['return', orderId, type, reason, items ?? null]);
    return this.#write(idempotencyKey, fingerprint, orderId, (row, now) => {
      const ruleOrder = this.#ruleOrder(row);
      const open = (this.#sql.openReturns.get(orderId)?.n ?? 0) > 0;
      refuse(checkReturn(ruleOrder, items === undefined ? { type, reason } : { type, reason, items }, now, open));
      const receipt: ReturnReceipt = { return_id: this.#nextReturnId(now), status: 'requested' };
      const skus = JSON.stringify(items ?? ruleOrder.skus);
      this.#sql.insertReturn.run(receipt.return_id, orderId, type, reason, skus, receipt.status, now);
      return receipt;
    });
  }

  async changeAddress(orderId: string, change: string | AddressChange, idempotencyKey: string, options?: OrderCallOptions): Promise<void> {
    throwIfAborted(options?.signal);
    const parsed = parseArgument(addressRequestSchema, typeof change === 'string' ? { address: change } : change, 'address change');
    const name = parsed.recipient_name ?? null;
    const phone = parsed.recipient_phone ?? null;
    // Without a recipient the fingerprint is the one keys were stored with before recipients existed.
    const fingerprint = JSON.stringify(name === null && phone === null ? ['address', orderId, parsed.address] : ['address', orderId, parsed.address, name, phone]);
    await this.#write(idempotencyKey, fingerprint, orderId, (row, now) => {
      refuse(checkBeforeShipping(this.#ruleOrder(row), 'change the address'));
      this.#sql.changeAddress.run(parsed.address, name, phone, now, orderId);
      return {};
    });
  }

  /** Where an order goes (not part of the connector contract): for tests and the demo's own checks. */
  deliveryOf(orderId: string): { address: string; recipient_name: string | null; recipient_phone: string | null } | null {
    return this.#sql.delivery.get(orderId) ?? null;
  }

  async cancelOrder(orderId: string, idempotencyKey: string, options?: OrderCallOptions): Promise<void> {
    throwIfAborted(options?.signal);
    const fingerprint = JSON.stringify(['cancel', orderId]);
    await this.#write(idempotencyKey, fingerprint, orderId, (row, now) => {
      refuse(checkBeforeShipping(this.#ruleOrder(row), 'cancel'));
      this.#sql.cancel.run(now, orderId);
      return {};
    });
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }

  /**
   * Runs `apply` once per idempotency key: a repeated key with the same request returns the
   * stored result and writes nothing; with a different request it is refused. Refusals are not
   * stored, so the same key may be tried again once the order allows it.
   */
  #write<T extends object>(key: string, fingerprint: string, orderId: string, apply: (row: OrderRow, now: number) => T): Promise<T> {
    const checkedKey = parseArgument(idempotencyKeySchema, key, 'idempotency key');
    const run = this.#db.transaction((): T => {
      const stored = this.#sql.key.get(checkedKey);
      if (stored !== undefined) {
        if (stored.fingerprint !== fingerprint)
          throw new OrderError('idempotency_key_reused', `Idempotency key ${checkedKey} was already used for a different request`);
        return JSON.parse(stored.result) as T;
      }
      const row = this.#sql.order.get(orderId);
      if (row === undefined) throw new OrderError('order_not_found', `Order ${orderId} does not exist`);
      const now = this.#now();
      const result = apply(row, now);
      this.#sql.insertKey.run(checkedKey, fingerprint, JSON.stringify(result), now);
      return result;
    });
    return Promise.resolve(run.immediate());
  }

  #nextReturnId(at: number): string {
    const n = this.#sql.returnsOfDay.get(`RT${chinaDate(at)}%`)?.n ?? 0;
    return demoReturnId(at, n + 1);
  }

  #ruleOrder(row: OrderRow): RuleOrder {
    return {
      orderId: row.order_id,
      status: row.status,
      deliveredAt: row.delivered_at,
      skus: this.#sql.items.all(row.order_id).map((i) => i.sku),
    };
  }

  #toOrder(row: OrderRow): Order {
    return {
      order_id: row.order_id,
      user_id: row.user_id,
      status: row.status,
      created_at: iso(row.created_at),
      ...(row.paid_at === null ? {} : { paid_at: iso(row.paid_at) }),
      ...(row.shipped_at === null ? {} : { shipped_at: iso(row.shipped_at) }),
      ...(row.delivered_at === null ? {} : { delivered_at: iso(row.delivered_at) }),
      ...(row.carrier === null ? {} : { carrier: row.carrier }),
      ...(row.tracking_no === null ? {} : { tracking_no: row.tracking_no }),
      total: row.total_fen / 100,
      currency: row.currency,
      items: this.#sql.items.all(row.order_id).map((i) => ({ sku: i.sku, name: i.name, qty: i.qty, price: i.price_fen / 100 })),
    };
  }
}

function refuse(refusal: Refusal | null): void {
  if (refusal) throw new OrderError('order_not_eligible', refusal.message, { reason: refusal.reason });
}
