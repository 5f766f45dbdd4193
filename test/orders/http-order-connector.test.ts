import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Order } from '../../src/contracts/order-connector.ts';
import { createHttpOrderConnector } from '../../src/orders/create-http-order-connector.ts';
import { isOrderError, type OrderError } from '../../src/orders/order-error.ts';
import { startDemoOrderServer } from '../../src/orders/start-demo-order-server.ts';
import { useTempDir } from '../knowledge/temp-dir.ts';
import { runOrderConnectorContract } from './order-connector.contract.ts';
import { json, startScriptedServer, type Script, type ScriptedServer } from './scripted-server.ts';

const tempDir = useTempDir();

runOrderConnectorContract('HTTP connector → demo order server on loopback', async (clock) => {
  const server = await startDemoOrderServer({ path: join(tempDir(), 'orders.db'), now: () => clock.now });
  // A trailing slash on the base URL must not matter.
  return { connector: createHttpOrderConnector({ baseUrl: `${server.url}/` }), close: () => server.close() };
});

const ORDER: Order = {
  order_id: 'KF20261121001',
  user_id: 'demo-user',
  status: 'delivered',
  created_at: '2026-11-21T02:00:00.000Z',
  paid_at: '2026-11-21T02:02:00.000Z',
  shipped_at: '2026-11-21T07:00:00.000Z',
  delivered_at: '2026-11-23T02:00:00.000Z',
  carrier: '顺丰',
  tracking_no: 'SF1410238765012',
  total: 1299,
  currency: 'CNY',
  items: [{ sku: 'KF-P3', name: 'Kefu 空气净化器 P3 / Air Purifier P3', qty: 1, price: 1299 }],
};

describe('HTTP order connector against a misbehaving order system', () => {
  let server: ScriptedServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(script: Script, options: { timeoutMs?: number; retries?: number; path?: string } = {}) {
    server = await startScriptedServer(script);
    const connector = createHttpOrderConnector({
      baseUrl: `${server.url}${options.path ?? ''}`,
      retryDelayMs: 10,
      timeoutMs: options.timeoutMs ?? 2000,
      retries: options.retries ?? 2,
    });
    return { connector, requests: server.requests };
  }

  async function failure(promise: Promise<unknown>): Promise<OrderError> {
    const error: unknown = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    if (!isOrderError(error)) throw new Error(`expected an OrderError, got ${String(error)}`);
    return error;
  }

  it('retries a 503 and returns the order that follows', async () => {
    const { connector, requests } = await start((_req, res, n) => (n < 2 ? json(res, 503, { error: 'busy' }) : json(res, 200, ORDER)));
    expect(await connector.getOrder('KF20261121001')).toEqual(ORDER);
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual(Array(3).fill('GET /orders/KF20261121001'));
  });

  it('gives up after the retries as order_system_unavailable, retryable', async () => {
    const { connector, requests } = await start((_req, res) => json(res, 502, '<html>bad gateway</html>'), { retries: 1 });
    const error = await failure(connector.listOrders('demo-user'));
    expect({ code: error.code, status: error.status, retryable: error.retryable, upstream: error.upstreamStatus }).toEqual({
      code: 'order_system_unavailable',
      status: 503,
      retryable: true,
      upstream: 502,
    });
    expect(error.message).not.toContain('127.0.0.1');
    expect(requests).toHaveLength(2);
  });

  it('times out each attempt and fails as unavailable', async () => {
    const { connector, requests } = await start(() => undefined, { timeoutMs: 150, retries: 1 });
    const started = Date.now();
    const error = await failure(connector.getOrder('KF20261121001'));
    expect(error.code).toBe('order_system_unavailable');
    expect(error.message).toContain('no answer within 150 ms');
    expect(requests).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('times out a body that starts but never ends', async () => {
    const { connector } = await start(
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"order_id":');
      },
      { timeoutMs: 150, retries: 0 },
    );
    expect((await failure(connector.getOrder('KF20261121001'))).code).toBe('order_system_unavailable');
  });

  it('stops at once when the caller aborts', async () => {
    const { connector, requests } = await start(() => undefined, { timeoutMs: 5000 });
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(), 50);
    const started = Date.now();
    const error = await failure(connector.getOrder('KF20261121001', { signal: ctrl.signal }));
    expect(error.code).toBe('order_system_unavailable');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(requests).toHaveLength(1);
  });

  it('reports malformed JSON as order_system_bad_response, without retrying', async () => {
    const { connector, requests } = await start((_req, res) => json(res, 200, '{"order_id": "KF20261121001", '));
    const error = await failure(connector.getOrder('KF20261121001'));
    expect({ code: error.code, status: error.status, retryable: error.retryable }).toEqual({
      code: 'order_system_bad_response',
      status: 502,
      retryable: false,
    });
    expect(requests).toHaveLength(1);
  });

  it('reports JSON that breaks the contract as order_system_bad_response', async () => {
    const { connector } = await start((req, res) =>
      req.url?.includes('user_id')
        ? json(res, 200, { orders: [{ ...ORDER, status: 'lost' }] })
        : json(res, 200, { ...ORDER, total: '1299.00' }),
    );
    const list = await failure(connector.listOrders('demo-user'));
    expect(list.code).toBe('order_system_bad_response');
    expect(list.message).toContain('orders.0.status');
    expect((await failure(connector.getOrder('KF20261121001'))).message).toContain('total');
  });

  it('reads absent fields sent as null', async () => {
    const { connector } = await start((_req, res) =>
      json(res, 200, { ...ORDER, status: 'paid', shipped_at: null, delivered_at: null, carrier: null, tracking_no: null }),
    );
    const order = await connector.getOrder('KF20261121001');
    expect(order).not.toHaveProperty('carrier');
    expect(order).not.toHaveProperty('delivered_at');
    expect(order?.status).toBe('paid');
  });

  it('retries a write after a dropped connection with the same Idempotency-Key and body', async () => {
    const { connector, requests } = await start((_req, res, n) => {
      if (n === 0) res.socket?.destroy();
      else json(res, 201, { return_id: 'RT20261124001', status: 'requested' });
    });
    const receipt = await connector.createReturn('KF20261121001', { type: 'refund', reason: '坏了', items: ['KF-P3'] }, 'flow-42');
    expect(receipt).toEqual({ return_id: 'RT20261124001', status: 'requested' });
    expect(requests).toHaveLength(2);
    for (const r of requests) {
      expect(r.method).toBe('POST');
      expect(r.url).toBe('/orders/KF20261121001/returns');
      expect(r.headers['idempotency-key']).toBe('flow-42');
      expect(r.headers['content-type']).toBe('application/json');
      expect(JSON.parse(r.body)).toEqual({ type: 'refund', reason: '坏了', items: ['KF-P3'] });
    }
  });

  it('sends the Idempotency-Key on address changes and cancellations, retried after a 500', async () => {
    const { connector, requests } = await start((_req, res, n) => (n % 2 === 0 ? json(res, 500, {}) : json(res, 200, {})));
    await connector.changeAddress('KF20261124003', '上海市徐汇区漕溪北路 1 号', 'addr-1');
    await connector.cancelOrder('KF20261124003', 'cancel-1');
    expect(requests.map((r) => [r.url, r.headers['idempotency-key'], r.body])).toEqual([
      ['/orders/KF20261124003/address', 'addr-1', JSON.stringify({ address: '上海市徐汇区漕溪北路 1 号' })],
      ['/orders/KF20261124003/address', 'addr-1', JSON.stringify({ address: '上海市徐汇区漕溪北路 1 号' })],
      ['/orders/KF20261124003/cancel', 'cancel-1', ''],
      ['/orders/KF20261124003/cancel', 'cancel-1', ''],
    ]);
  });

  it('maps 404 on a write to order_not_found and on a read to null', async () => {
    const { connector, requests } = await start((_req, res) => json(res, 404, { error: { code: 'not_found', message: 'no such order' } }));
    const error = await failure(connector.cancelOrder('KF1', 'k'));
    expect({ code: error.code, status: error.status, message: error.message }).toEqual({
      code: 'order_not_found',
      status: 404,
      message: 'no such order',
    });
    expect(await connector.getOrder('KF1')).toBeNull();
    expect(requests).toHaveLength(2);
  });

  it("maps 409 to order_not_eligible with the system's message, in either error shape", async () => {
    const { connector } = await start((req, res) =>
      req.url?.endsWith('/cancel')
        ? json(res, 409, { error: '已发货，无法取消' })
        : json(res, 409, { error: { code: 'order_not_eligible', message: 'Order has shipped', reason: 'already_shipped' } }),
    );
    const cancel = await failure(connector.cancelOrder('KF1', 'k1'));
    expect({ code: cancel.code, status: cancel.status, message: cancel.message, reason: cancel.reason }).toEqual({
      code: 'order_not_eligible',
      status: 409,
      message: '已发货，无法取消',
      reason: undefined,
    });
    const address = await failure(connector.changeAddress('KF1', '新地址 1 号', 'k2'));
    expect({ message: address.message, reason: address.reason }).toEqual({ message: 'Order has shipped', reason: 'already_shipped' });
  });

  it('does not retry a request the order system refuses (401)', async () => {
    const { connector, requests } = await start((_req, res) => json(res, 401, { error: 'unauthorized' }));
    const error = await failure(connector.listOrders('demo-user'));
    expect({ code: error.code, retryable: error.retryable, upstream: error.upstreamStatus }).toEqual({
      code: 'order_system_unavailable',
      retryable: false,
      upstream: 401,
    });
    expect(requests).toHaveLength(1);
  });

  it('encodes ids and keeps the base path', async () => {
    const { connector, requests } = await start(
      (req, res) => (req.url?.includes('user_id') ? json(res, 200, { orders: [] }) : json(res, 404, {})),
      { path: '/api/v2/' },
    );
    expect(await connector.listOrders('u 1&x=1')).toEqual([]);
    expect(await connector.getOrder('a/b?c#d')).toBeNull();
    expect(requests.map((r) => r.url)).toEqual(['/api/v2/orders?user_id=u%201%26x%3D1', '/api/v2/orders/a%2Fb%3Fc%23d']);
  });

  it('treats a 404 on the order list as a wrong URL, not as no orders', async () => {
    const { connector } = await start((_req, res) => json(res, 404, 'Not Found'));
    const error = await failure(connector.listOrders('demo-user'));
    expect(error.code).toBe('order_system_bad_response');
    expect(error.message).toContain('check the order system URL');
  });
});
