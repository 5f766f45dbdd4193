import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ORDER_STATUSES, type Order, type OrderConnector } from '../../src/contracts/order-connector.ts';
import { isOrderError } from '../../src/orders/order-error.ts';

/** The moment the demo database is seeded in these tests; docs/demo-order-system.md uses it too. */
export const SEEDED_AT = Date.parse('2026-11-24T10:00:00+08:00');
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export interface OrderSystemUnderTest {
  connector: OrderConnector;
  close(): Promise<void>;
}

/** Tests move `clock.now` to walk through the return windows. */
export interface TestClock {
  now: number;
}

/** The seeded orders the suite uses, named as in docs/demo-order-system.md. */
const ORDER = {
  deliveredYesterday: 'KF20261121001',
  shipped: 'KF20261123002',
  paid: 'KF20261124003',
  pendingPayment: 'KF20261124004',
  delivered20DaysAgo: 'KF20261101005',
  delivered40DaysAgo: 'KF20261012006',
  cancelled: 'KF20261118007',
  returned: 'KF20261110008',
  delivered10DaysAgo: 'KF20261112009',
  delivered5DaysAgo: 'KF20261116012',
} as const;

const DEMO_USERS = ['demo-user', 'u1001', 'u1002', 'u1003'];

const TRACKING: Record<string, RegExp> = { 顺丰: /^SF\d{13}$/, 中通: /^\d{14}$/, 京东物流: /^JDVA\d{11}$/ };

/**
 * What every order system Kefu talks to must do, run once in process against the demo order
 * system and once over HTTP through the connector (as Kysely runs one suite per dialect).
 * `factory` starts a freshly seeded demo system whose clock reads `clock.now`.
 */
export function runOrderConnectorContract(name: string, factory: (clock: TestClock) => Promise<OrderSystemUnderTest>): void {
  describe(`OrderConnector contract: ${name}`, () => {
    const clock: TestClock = { now: SEEDED_AT };
    let system: OrderSystemUnderTest;
    let orders: OrderConnector;
    let keyNo = 0;
    const key = (): string => `test-key-${++keyNo}`;

    beforeEach(async () => {
      clock.now = SEEDED_AT;
      system = await factory(clock);
      orders = system.connector;
    });
    afterEach(async () => {
      await system.close();
    });

    async function refusal(promise: Promise<unknown>, code: string, status: number, reason?: string): Promise<Error> {
      const error: unknown = await promise.then(
        () => null,
        (e: unknown) => e,
      );
      expect(isOrderError(error), `expected an OrderError ${code}, got ${String(error)}`).toBe(true);
      if (!isOrderError(error)) throw new Error('unreachable');
      expect({ code: error.code, status: error.status }).toEqual({ code, status });
      if (reason !== undefined) expect(error.reason).toBe(reason);
      return error;
    }
    const notEligible = (promise: Promise<unknown>, reason: string) => refusal(promise, 'order_not_eligible', 409, reason);

    async function allOrders(): Promise<Order[]> {
      return (await Promise.all(DEMO_USERS.map((u) => orders.listOrders(u)))).flat();
    }

    describe('seeded orders', () => {
      it('covers every status, with consistent ids, times, totals and tracking', async () => {
        const all = await allOrders();
        expect(new Set(all.map((o) => o.status))).toEqual(new Set(ORDER_STATUSES));
        expect(new Set(all.map((o) => o.order_id)).size).toBe(all.length);
        for (const o of all) {
          expect(o.order_id).toMatch(/^KF\d{11}$/);
          const createdInChina = new Date(Date.parse(o.created_at) + 8 * 60 * MINUTE).toISOString().slice(0, 10);
          expect(o.order_id.slice(2, 10)).toBe(createdInChina.replaceAll('-', ''));
          expect(o.currency).toBe('CNY');
          expect(o.items.length).toBeGreaterThan(0);
          expect(o.total).toBeCloseTo(o.items.reduce((sum, i) => sum + i.qty * i.price, 0), 2);
          const times = [o.created_at, o.paid_at, o.shipped_at, o.delivered_at].filter((t) => t !== undefined).map(Date.parse);
          expect(times).toEqual([...times].sort((a, b) => a - b));
          expect(Math.max(...times)).toBeLessThanOrEqual(SEEDED_AT);
          const travelled = o.shipped_at !== undefined;
          expect(travelled).toBe(['shipped', 'delivered', 'returned'].includes(o.status));
          expect(o.delivered_at !== undefined).toBe(['delivered', 'returned'].includes(o.status));
          if (o.status === 'pending_payment') expect(o.paid_at).toBeUndefined();
          if (travelled) expect(o.tracking_no).toMatch(TRACKING[o.carrier ?? ''] ?? /^$/);
          else expect(o.carrier).toBeUndefined();
        }
      });

      it('gives demo-user one order in every status, as documented', async () => {
        const mine = await orders.listOrders('demo-user');
        expect(mine.map((o) => [o.order_id, o.status])).toEqual([
          ['KF20261124004', 'pending_payment'],
          ['KF20261124003', 'paid'],
          ['KF20261123002', 'shipped'],
          ['KF20261121001', 'delivered'],
          ['KF20261118007', 'cancelled'],
          ['KF20261110008', 'returned'],
          ['KF20261101005', 'delivered'],
          ['KF20261012006', 'delivered'],
        ]);
        const deliveredDaysAgo = mine
          .filter((o) => o.status === 'delivered')
          .map((o) => Math.round((SEEDED_AT - Date.parse(o.delivered_at ?? '')) / DAY));
        expect(deliveredDaysAgo).toEqual([1, 20, 40]);
        const carriers = new Set((await allOrders()).map((o) => o.carrier).filter((c) => c !== undefined));
        expect(carriers).toEqual(new Set(['顺丰', '中通', '京东物流']));
      });

      it('lists newest first, and nothing for an unknown user', async () => {
        for (const user of DEMO_USERS) {
          const created = (await orders.listOrders(user)).map((o) => Date.parse(o.created_at));
          expect(created.length).toBeGreaterThan(0);
          expect(created).toEqual([...created].sort((a, b) => b - a));
        }
        expect(await orders.listOrders('nobody')).toEqual([]);
        expect(await orders.listOrders('demo-user&user_id=u1001')).toEqual([]);
      });

      it('gets an order as listed; null for an unknown or odd id', async () => {
        const listed = (await orders.listOrders('demo-user')).find((o) => o.order_id === ORDER.shipped);
        expect(await orders.getOrder(ORDER.shipped)).toEqual(listed);
        expect(listed).toMatchObject({ carrier: '京东物流', tracking_no: 'JDVA28714690153', total: 5198 });
        expect(await orders.getOrder('KF20991231999')).toBeNull();
        expect(await orders.getOrder('a/b?c=d#e')).toBeNull();
        expect(await orders.getOrder('../orders/KF20261124003')).toBeNull();
        expect(await orders.getOrder('订单 KF20261121001')).toBeNull();
      });
    });

    describe('returns', () => {
      it('accepts a refund within 7 days of delivery', async () => {
        const receipt = await orders.createReturn(ORDER.deliveredYesterday, { type: 'refund', reason: '不想要了' }, key());
        expect(receipt).toEqual({ return_id: expect.stringMatching(/^RT20261124\d{3}$/), status: 'requested' });
      });

      it('accepts a refund before shipping, but not an exchange', async () => {
        await expect(orders.createReturn(ORDER.paid, { type: 'refund', reason: 'ordered twice' }, key())).resolves.toMatchObject({
          status: 'requested',
        });
        await notEligible(orders.createReturn(ORDER.paid, { type: 'exchange', reason: 'wrong size' }, key()), 'return_open');
        await notEligible(
          orders.createReturn('KF20261124011', { type: 'exchange', reason: 'wrong size' }, key()),
          'not_delivered',
        );
      });

      it('allows exchanges for 15 days and refunds for 7', async () => {
        await notEligible(
          orders.createReturn(ORDER.delivered10DaysAgo, { type: 'refund', reason: 'changed my mind' }, key()),
          'return_window_expired',
        );
        await expect(orders.createReturn(ORDER.delivered10DaysAgo, { type: 'exchange', reason: '颜色不对' }, key())).resolves.toMatchObject({
          status: 'requested',
        });
        await notEligible(orders.createReturn(ORDER.delivered20DaysAgo, { type: 'exchange', reason: '坏了' }, key()), 'exchange_window_expired');
        await notEligible(orders.createReturn(ORDER.delivered20DaysAgo, { type: 'refund', reason: '坏了' }, key()), 'return_window_expired');
        const late = await notEligible(
          orders.createReturn(ORDER.delivered40DaysAgo, { type: 'refund', reason: 'no longer needed' }, key()),
          'return_window_expired',
        );
        expect(late.message).toMatch(/7.day/);
      });

      it('closes the return window 7 days after delivery', async () => {
        clock.now = SEEDED_AT + 2 * DAY + MINUTE;
        await notEligible(orders.createReturn(ORDER.delivered5DaysAgo, { type: 'refund', reason: 'late' }, key()), 'return_window_expired');
        clock.now = SEEDED_AT + 2 * DAY - MINUTE;
        await expect(orders.createReturn(ORDER.delivered5DaysAgo, { type: 'refund', reason: 'late' }, key())).resolves.toBeDefined();
        clock.now = SEEDED_AT + 6 * DAY + MINUTE;
        await notEligible(orders.createReturn(ORDER.deliveredYesterday, { type: 'refund', reason: 'late' }, key()), 'return_window_expired');
        await expect(orders.createReturn(ORDER.deliveredYesterday, { type: 'exchange', reason: 'late' }, key())).resolves.toBeDefined();
      });

      it('refuses orders not delivered, closed, or with an open return', async () => {
        await notEligible(orders.createReturn(ORDER.shipped, { type: 'refund', reason: 'x' }, key()), 'not_delivered');
        await notEligible(orders.createReturn(ORDER.pendingPayment, { type: 'refund', reason: 'x' }, key()), 'not_paid');
        await notEligible(orders.createReturn(ORDER.cancelled, { type: 'refund', reason: 'x' }, key()), 'order_cancelled');
        await notEligible(orders.createReturn(ORDER.returned, { type: 'refund', reason: 'x' }, key()), 'already_returned');
        await notEligible(
          orders.createReturn(ORDER.deliveredYesterday, { type: 'refund', reason: 'x', items: ['KF-TV65'] }, key()),
          'item_not_in_order',
        );
        await orders.createReturn(ORDER.deliveredYesterday, { type: 'refund', reason: 'x', items: ['KF-P3'] }, key());
        const open = await notEligible(orders.createReturn(ORDER.deliveredYesterday, { type: 'exchange', reason: 'y' }, key()), 'return_open');
        expect(open.message).toContain(ORDER.deliveredYesterday);
        await refusal(orders.createReturn('KF20991231999', { type: 'refund', reason: 'x' }, key()), 'order_not_found', 404);
      });
    });

    describe('idempotency', () => {
      it('gives the same receipt for the same key and creates one return', async () => {
        const k = key();
        const request = { type: 'refund', reason: '质量问题', items: ['KF-P3-FILTER'] } as const;
        const first = await orders.createReturn(ORDER.delivered5DaysAgo, { ...request, items: [...request.items] }, k);
        const again = await orders.createReturn(ORDER.delivered5DaysAgo, { ...request, items: [...request.items] }, k);
        expect(again).toEqual(first);
        // Only one return exists: a second one is refused because the first is open, and the
        // replay above was not.
        await notEligible(orders.createReturn(ORDER.delivered5DaysAgo, { type: 'refund', reason: '质量问题' }, key()), 'return_open');
        // The replay still answers after the order has stopped accepting returns.
        await expect(orders.createReturn(ORDER.delivered5DaysAgo, { ...request, items: [...request.items] }, k)).resolves.toEqual(first);
      });

      it('refuses a key reused for a different request', async () => {
        const k = key();
        await orders.createReturn(ORDER.deliveredYesterday, { type: 'refund', reason: 'a' }, k);
        await refusal(orders.createReturn(ORDER.deliveredYesterday, { type: 'refund', reason: 'b' }, k), 'idempotency_key_reused', 422);
        await refusal(orders.createReturn(ORDER.delivered5DaysAgo, { type: 'refund', reason: 'a' }, k), 'idempotency_key_reused', 422);
        await refusal(orders.cancelOrder(ORDER.paid, k), 'idempotency_key_reused', 422);
      });

      it('repeats a cancel with the same key, and refuses a new one', async () => {
        const k = key();
        await orders.cancelOrder(ORDER.paid, k);
        await orders.cancelOrder(ORDER.paid, k);
        expect((await orders.getOrder(ORDER.paid))?.status).toBe('cancelled');
        await notEligible(orders.cancelOrder(ORDER.paid, key()), 'already_cancelled');
      });

      it('does not spend a key on a refused request', async () => {
        const k = key();
        await notEligible(orders.changeAddress(ORDER.shipped, '北京市海淀区 1 号', k), 'already_shipped');
        await notEligible(orders.changeAddress(ORDER.shipped, '北京市海淀区 1 号', k), 'already_shipped');
        await refusal(orders.changeAddress('KF20991231999', '北京市海淀区 1 号', k), 'order_not_found', 404);
        await orders.changeAddress(ORDER.paid, '北京市海淀区 1 号', k);
        await orders.changeAddress(ORDER.paid, '北京市海淀区 1 号', k);
      });
    });

    describe('address changes and cancellation', () => {
      it('change the address before shipping, not after', async () => {
        await orders.changeAddress(ORDER.paid, '上海市徐汇区漕溪北路 1 号', key());
        await orders.changeAddress(ORDER.pendingPayment, '上海市徐汇区漕溪北路 1 号', key());
        expect((await orders.getOrder(ORDER.paid))?.status).toBe('paid');
        const shipped = await notEligible(orders.changeAddress(ORDER.shipped, '上海市徐汇区漕溪北路 1 号', key()), 'already_shipped');
        expect(shipped.message).toMatch(/shipped/);
        await notEligible(orders.changeAddress(ORDER.deliveredYesterday, 'x 路 1 号', key()), 'already_shipped');
        await notEligible(orders.changeAddress(ORDER.cancelled, 'x 路 1 号', key()), 'order_cancelled');
      });

      it('takes the recipient with the address, once per key', async () => {
        const k = key();
        const change = { address: '221B Baker Street, London NW1 6XE', recipient_name: 'Jane Doe', recipient_phone: '+44 20 7946 0958' };
        await orders.changeAddress(ORDER.paid, change, k);
        await orders.changeAddress(ORDER.paid, change, k);
        await refusal(orders.changeAddress(ORDER.paid, { ...change, recipient_name: 'John Doe' }, k), 'idempotency_key_reused', 422);
        await orders.changeAddress(ORDER.paid, { address: '上海市徐汇区漕溪北路 1 号' }, key());
        await refusal(orders.changeAddress(ORDER.paid, { address: 'x 路 1 号', recipient_phone: '' }, key()), 'invalid_request', 400);
      });

      it('cancel before shipping, not after', async () => {
        await orders.cancelOrder(ORDER.pendingPayment, key());
        await orders.cancelOrder(ORDER.paid, key());
        const after = await orders.listOrders('demo-user');
        expect(after.filter((o) => o.status === 'cancelled').map((o) => o.order_id).sort()).toEqual(
          [ORDER.pendingPayment, ORDER.paid, ORDER.cancelled].sort(),
        );
        await notEligible(orders.changeAddress(ORDER.paid, 'x 路 1 号', key()), 'order_cancelled');
        await notEligible(orders.cancelOrder(ORDER.shipped, key()), 'already_shipped');
        await notEligible(orders.cancelOrder(ORDER.deliveredYesterday, key()), 'already_shipped');
        expect((await orders.getOrder(ORDER.shipped))?.status).toBe('shipped');
        await refusal(orders.cancelOrder('KF20991231999', key()), 'order_not_found', 404);
      });
    });

    describe('bad calls', () => {
      it('rejects malformed arguments with invalid_request', async () => {
        await refusal(orders.createReturn(ORDER.deliveredYesterday, { type: 'refund', reason: ' ' }, key()), 'invalid_request', 400);
        await refusal(orders.createReturn(ORDER.deliveredYesterday, { type: 'refund', reason: 'x' }, ''), 'invalid_request', 400);
        await refusal(orders.changeAddress(ORDER.paid, '', key()), 'invalid_request', 400);
        await refusal(orders.listOrders(''), 'invalid_request', 400);
      });

      it('fails an aborted call as unavailable, without writing', async () => {
        const signal = AbortSignal.abort();
        await refusal(orders.getOrder(ORDER.paid, { signal }), 'order_system_unavailable', 503);
        await refusal(orders.cancelOrder(ORDER.paid, key(), { signal }), 'order_system_unavailable', 503);
        expect((await orders.getOrder(ORDER.paid))?.status).toBe('paid');
      });
    });
  });
}
