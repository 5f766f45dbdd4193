import type { Migration } from '../store/sqlite/migrations.ts';

/**
 * The demo order system's own schema (a database of its own, apart from Kefu's). Times are epoch
 * milliseconds, amounts are fen (integer cents of CNY). Append steps; never edit a shipped one.
 */
export const demoOrderMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'orders, order items, returns, idempotency keys',
    sql: `
      CREATE TABLE orders (
        order_id     TEXT    NOT NULL PRIMARY KEY,
        user_id      TEXT    NOT NULL,
        status       TEXT    NOT NULL CHECK (status IN
                       ('pending_payment', 'paid', 'shipped', 'delivered', 'cancelled', 'returned')),
        created_at   INTEGER NOT NULL,
        paid_at      INTEGER,
        shipped_at   INTEGER,
        delivered_at INTEGER,
        cancelled_at INTEGER,
        carrier      TEXT,
        tracking_no  TEXT,
        total_fen    INTEGER NOT NULL CHECK (total_fen >= 0),
        currency     TEXT    NOT NULL,
        address      TEXT    NOT NULL,
        address_changed_at INTEGER
      );
      CREATE INDEX orders_by_user ON orders (user_id, created_at DESC);

      CREATE TABLE order_items (
        order_id  TEXT    NOT NULL REFERENCES orders (order_id) ON DELETE CASCADE,
        line_no   INTEGER NOT NULL,
        sku       TEXT    NOT NULL,
        name      TEXT    NOT NULL,
        qty       INTEGER NOT NULL CHECK (qty > 0),
        price_fen INTEGER NOT NULL CHECK (price_fen >= 0),
        PRIMARY KEY (order_id, line_no)
      );

      CREATE TABLE returns (
        return_id  TEXT    NOT NULL PRIMARY KEY,
        order_id   TEXT    NOT NULL REFERENCES orders (order_id) ON DELETE CASCADE,
        type       TEXT    NOT NULL CHECK (type IN ('refund', 'exchange')),
        reason     TEXT    NOT NULL,
        skus       TEXT    NOT NULL,
        status     TEXT    NOT NULL CHECK (status IN ('requested', 'completed', 'rejected')),
        created_at INTEGER NOT NULL
      );
      -- One open return per order, whatever the code above does.
      CREATE UNIQUE INDEX returns_one_open ON returns (order_id) WHERE status = 'requested';

      CREATE TABLE idempotency_keys (
        key         TEXT    NOT NULL PRIMARY KEY,
        fingerprint TEXT    NOT NULL,
        result      TEXT    NOT NULL,
        created_at  INTEGER NOT NULL
      );

      CREATE TABLE demo_meta (
        name  TEXT NOT NULL PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'recipient name and phone given with an address change',
    sql: `
      ALTER TABLE orders ADD COLUMN recipient_name TEXT;
      ALTER TABLE orders ADD COLUMN recipient_phone TEXT;
    `,
  },
];
