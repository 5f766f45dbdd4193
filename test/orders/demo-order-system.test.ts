import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createDemoOrderSystem } from '../../src/orders/demo-order-system.ts';
import { useTempDir } from '../knowledge/temp-dir.ts';
import { runOrderConnectorContract, SEEDED_AT } from './order-connector.contract.ts';

const tempDir = useTempDir();

runOrderConnectorContract('demo order system, in process', async (clock) => {
  const system = createDemoOrderSystem({ path: join(tempDir(), 'orders.db'), now: () => clock.now });
  return { connector: system, close: () => system.close() };
});

describe('demo order system database', () => {
  const DAY = 24 * 60 * 60 * 1000;

  it('keeps the recipient given with an address until another one is given', async () => {
    const system = createDemoOrderSystem({ path: join(tempDir(), 'orders.db'), now: () => SEEDED_AT });
    await system.changeAddress('KF20261124003', { address: '北京市朝阳区建国路88号', recipient_name: '张三', recipient_phone: '13800001234' }, 'addr-1');
    expect(system.deliveryOf('KF20261124003')).toEqual({ address: '北京市朝阳区建国路88号', recipient_name: '张三', recipient_phone: '13800001234' });
    await system.changeAddress('KF20261124003', '杭州市西湖区文三路199号', 'addr-2');
    expect(system.deliveryOf('KF20261124003')).toEqual({ address: '杭州市西湖区文三路199号', recipient_name: '张三', recipient_phone: '13800001234' });
    await system.close();
  });

  it('seeds once: reopening later keeps the orders, their dates and the writes', async () => {
    const path = join(tempDir(), 'nested', 'orders.db');
    const first = createDemoOrderSystem({ path, now: () => SEEDED_AT });
    const before = await first.listOrders('demo-user');
    await first.cancelOrder('KF20261124003', 'cancel-once');
    await first.close();

    const later = createDemoOrderSystem({ path, now: () => SEEDED_AT + 30 * DAY });
    const after = await later.listOrders('demo-user');
    expect(after.map((o) => o.order_id)).toEqual(before.map((o) => o.order_id));
    expect(after.find((o) => o.order_id === 'KF20261124003')?.status).toBe('cancelled');
    expect(after.find((o) => o.order_id === 'KF20261121001')).toEqual(before.find((o) => o.order_id === 'KF20261121001'));
    // The key survives the restart too.
    await later.cancelOrder('KF20261124003', 'cancel-once');
    await later.close();
  });

  it('stores one return row for a repeated key, in its own database file', async () => {
    const path = join(tempDir(), 'orders.db');
    const system = createDemoOrderSystem({ path, now: () => SEEDED_AT });
    const request = { type: 'refund' as const, reason: 'duplicate order' };
    const a = await system.createReturn('KF20261121001', request, 'k-1');
    const b = await system.createReturn('KF20261121001', request, 'k-1');
    expect(b).toEqual(a);
    await system.close();

    const db = new Database(path, { readonly: true });
    try {
      const rows = db.prepare('SELECT return_id, order_id, status FROM returns ORDER BY return_id').all();
      expect(rows).toEqual([
        { return_id: 'RT20261113001', order_id: 'KF20261110008', status: 'completed' },
        { return_id: a.return_id, order_id: 'KF20261121001', status: 'requested' },
      ]);
      expect(db.prepare('SELECT COUNT(*) AS n FROM idempotency_keys').get()).toEqual({ n: 1 });
    } finally {
      db.close();
    }
  });

  it('numbers returns per day', async () => {
    const system = createDemoOrderSystem({ path: ':memory:', now: () => SEEDED_AT });
    const a = await system.createReturn('KF20261121001', { type: 'refund', reason: 'a' }, 'k-a');
    const b = await system.createReturn('KF20261116012', { type: 'exchange', reason: 'b' }, 'k-b');
    expect([a.return_id, b.return_id]).toEqual(['RT20261124001', 'RT20261124002']);
    await system.close();
  });
});
