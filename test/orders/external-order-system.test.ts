import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpOrderConnector } from '../../src/orders/create-http-order-connector.ts';
import { EXTERNAL_USER, OTHER_EXTERNAL_USER, startExternalOrderSystem, type ExternalOrderSystem } from '../support/external-order-system.ts';
import { DEMO_NOW } from '../support/start-test-server.ts';

/**
 * The independent shop system the dialogue scripts use as "an external order system" follows
 * the order-system contract as Kefu's HTTP connector reads it: nulls and extra fields accepted,
 * bare-string errors mapped, writes idempotent.
 */
describe('external shop system through the HTTP order connector', () => {
  let shop: ExternalOrderSystem;
  beforeAll(async () => {
    shop = await startExternalOrderSystem({ now: () => DEMO_NOW });
  });
  afterAll(async () => {
    await shop.close();
  });

  it('lists a customer’s orders newest first, in its own id format, and reads one', async () => {
    const orders = createHttpOrderConnector({ baseUrl: shop.url });
    const mine = await orders.listOrders(EXTERNAL_USER);
    expect(mine.map((o) => o.order_id)).toEqual(['SO9B3D5F7H1J0021', 'SO7X2K9M4P1Q0003', 'SO2A6C0E4G8L0032', 'SO4H8N2R6T0W0017']);
    expect(mine[0]).not.toHaveProperty('shipped_at');
    expect(mine[0]).not.toHaveProperty('warehouse');
    expect((await orders.listOrders(OTHER_EXTERNAL_USER)).map((o) => o.order_id)).toEqual(['SO1C5E9G3K7M0042']);
    expect(await orders.getOrder('SO7X2K9M4P1Q0003')).toMatchObject({ status: 'shipped', carrier: '申通快递', tracking_no: '773201948812345' });
    expect(await orders.getOrder('SO0000000000ZZZZ')).toBeNull();
  });

  it('refuses ineligible writes with 409 and applies a retried write once', async () => {
    const orders = createHttpOrderConnector({ baseUrl: shop.url });
    await expect(orders.cancelOrder('SO7X2K9M4P1Q0003', 'k-shipped')).rejects.toMatchObject({ code: 'order_not_eligible' });
    const first = await orders.createReturn('SO2A6C0E4G8L0032', { type: 'refund', reason: '尺码不合适' }, 'k-return');
    const again = await orders.createReturn('SO2A6C0E4G8L0032', { type: 'refund', reason: '尺码不合适' }, 'k-return');
    expect(again).toEqual(first);
    expect(shop.writes.filter((w) => w.orderId === 'SO2A6C0E4G8L0032')).toHaveLength(1);
    await expect(orders.createReturn('SO4H8N2R6T0W0017', { type: 'refund', reason: 'x' }, 'k-late')).rejects.toMatchObject({ code: 'order_not_eligible' });
  });
});
