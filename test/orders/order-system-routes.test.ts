import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDemoOrderSystem, type DemoOrderSystem } from '../../src/orders/demo-order-system.ts';
import { orderSystemRoutes } from '../../src/orders/order-system-routes.ts';
import { SEEDED_AT } from './order-connector.contract.ts';

describe('order system routes', () => {
  let system: DemoOrderSystem;
  let app: ReturnType<typeof orderSystemRoutes>;
  const logged: string[] = [];

  beforeEach(() => {
    system = createDemoOrderSystem({ path: ':memory:', now: () => SEEDED_AT });
    app = orderSystemRoutes(system, { logger: { error: (_d, message) => void logged.push(message) } });
  });
  afterEach(async () => {
    await system.close();
  });

  const post = (path: string, body: string | undefined, headers: Record<string, string> = {}) =>
    app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k-1', ...headers },
      ...(body === undefined ? {} : { body }),
    });

  async function expectError(res: Response, status: number, code: string): Promise<{ code: string; message: string; reason?: string }> {
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: { code: string; message: string; reason?: string } };
    expect(body.error.code).toBe(code);
    expect(typeof body.error.message).toBe('string');
    return body.error;
  }

  it('creates a return with 201 and replays it for the same key', async () => {
    const body = JSON.stringify({ type: 'refund', reason: '不想要了' });
    const first = await post('/orders/KF20261121001/returns', body);
    expect(first.status).toBe(201);
    const receipt = (await first.json()) as { return_id: string; status: string };
    expect(receipt.status).toBe('requested');
    const again = await post('/orders/KF20261121001/returns', body);
    expect(await again.json()).toEqual(receipt);
  });

  it('needs an Idempotency-Key on every write', async () => {
    for (const [path, body] of [
      ['/orders/KF20261124003/returns', JSON.stringify({ type: 'refund', reason: 'x' })],
      ['/orders/KF20261124003/address', JSON.stringify({ address: '上海市 1 号' })],
      ['/orders/KF20261124003/cancel', undefined],
    ] as const) {
      const res = await app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, ...(body ? { body } : {}) });
      await expectError(res, 400, 'idempotency_key_required');
    }
    await expectError(await post('/orders/KF20261124003/cancel', undefined, { 'idempotency-key': 'x'.repeat(256) }), 400, 'idempotency_key_required');
    expect((await system.getOrder('KF20261124003'))?.status).toBe('paid');
  });

  it('answers 400 to bad JSON, missing fields and wrong values', async () => {
    await expectError(await post('/orders/KF20261121001/returns', '{"type":'), 400, 'invalid_json');
    await expectError(await post('/orders/KF20261121001/returns', JSON.stringify({ type: 'refund' })), 400, 'invalid_request');
    const wrong = await expectError(await post('/orders/KF20261121001/returns', JSON.stringify({ type: 'gift', reason: 'x' })), 400, 'invalid_request');
    expect(wrong.message).toContain('type');
    await expectError(await post('/orders/KF20261124003/address', JSON.stringify({ addr: 'x' })), 400, 'invalid_request');
    await expectError(await post('/orders/KF20261124003/address', 'address=x', { 'content-type': 'text/plain' }), 400, 'unsupported_media_type');
    await expectError(await app.request('/orders'), 400, 'invalid_request');
  });

  it('answers 409 with code, message and reason', async () => {
    const res = await post('/orders/KF20261123002/cancel', undefined);
    const error = await expectError(res, 409, 'order_not_eligible');
    expect(error.reason).toBe('already_shipped');
    expect(error.message).toContain('KF20261123002');
  });

  it('answers 404 for unknown orders and 422 for a reused key', async () => {
    await expectError(await app.request('/orders/KF20991231999'), 404, 'order_not_found');
    await expectError(await post('/orders/KF20991231999/cancel', undefined), 404, 'order_not_found');
    expect((await post('/orders/KF20261124003/cancel', undefined)).status).toBe(200);
    await expectError(await post('/orders/KF20261124004/cancel', undefined), 422, 'idempotency_key_reused');
  });

  it('decodes ids, so an encoded slash never reaches another route', async () => {
    await expectError(await app.request('/orders/KF20261121001%2Freturns'), 404, 'order_not_found');
    const res = await app.request('/orders/KF20261121001');
    expect(((await res.json()) as { order_id: string }).order_id).toBe('KF20261121001');
  });

  it('hides unexpected failures behind internal_error', async () => {
    await system.close();
    const error = await expectError(await app.request('/orders/KF20261121001'), 500, 'internal_error');
    expect(error.message).toBe('Internal server error');
    expect(logged).toContain('order system route failed');
  });

  it('refuses bodies over 64 KiB', async () => {
    await expectError(await post('/orders/KF20261124003/address', JSON.stringify({ address: 'x'.repeat(70_000) })), 413, 'body_too_large');
  });
});
