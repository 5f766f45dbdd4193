import { describe, expect, it } from 'vitest';
import type { Order } from '../../src/contracts/order-connector.ts';
import { checkAction, checkReturn, reasonFromCode, underWarranty } from '../../src/dialogue/policy/eligibility.ts';
import { DEFAULT_SHOP_POLICY, loadShopPolicy, parseShopPolicy } from '../../src/dialogue/policy/shop-policy.ts';

const NOW = new Date('2026-11-24T02:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString();
const order = (status: Order['status'], deliveredDaysAgo?: number): Order => ({
  order_id: 'SO1', user_id: 'u', status, created_at: daysAgo(50), total: 1, currency: 'CNY', items: [],
  ...(deliveredDaysAgo === undefined ? {} : { delivered_at: daysAgo(deliveredDaysAgo) }),
});

describe('shop policy file', () => {
  it('the shipped file states the defaults the code falls back on', () => {
    expect(loadShopPolicy()).toEqual(DEFAULT_SHOP_POLICY);
  });

  it.each([
    ['version: 2\nreturns: {}', /version/],
    ['version: 1\nreturns: {refund_window_days: -1, exchange_window_days: 15, refund_statuses: [delivered], exchange_statuses: [delivered]}\ncancel: {statuses: []}\naddress_change: {statuses: []}', /returns\.refund_window_days: days cannot be negative/],
    ['version: 1\nreturns: {refund_window_days: 7, exchange_window_days: 15, refund_statuses: [arrived], exchange_statuses: [delivered]}\ncancel: {statuses: []}\naddress_change: {statuses: []}', /returns\.refund_statuses\.0: a status is one of/],
    ['version: 1\nreturns: {refund_window_days: 7.5, exchange_window_days: 15, refund_statuses: [], exchange_statuses: []}\ncancel: {statuses: []}\naddress_change: {statuses: []}', /whole number of days/],
    ['version: 1\nreturns: {refund_window_days: 7, exchange_window_days: 15, refund_statuses: [], exchange_statuses: []}\ncancel: {statuses: []}', /address_change/],
    ['version: 1\nreturn: {}', /returns|return/],
    ['{ not yaml', /not valid YAML/],
  ])('a bad file is refused with the field named: %s', (text, message) => {
    expect(() => parseShopPolicy(text, 'shop.yaml')).toThrow(message);
  });

  it('a missing file says which variable to set', () => {
    expect(() => loadShopPolicy('/nonexistent/shop-policy.yaml')).toThrow(/KEFU_SHOP_POLICY/);
  });
});

describe('eligibility from the order and the policy', () => {
  const p = DEFAULT_SHOP_POLICY;
  it.each([
    [1, null, null],
    [7, 'refund', null],
    [8, 'refund', 'refund_window_expired'],
    [8, 'exchange', null],
    [8, null, null],
    [16, 'exchange', 'exchange_window_expired'],
    [40, null, 'refund_window_expired'],
  ] as const)('delivered %i days ago, %s: %s', (days, type, reason) => {
    expect(checkReturn(order('delivered', days), type, p, NOW)?.reason ?? null).toBe(reason);
  });

  it.each([
    ['cancel', 'paid', null],
    ['cancel', 'shipped', 'already_shipped'],
    ['cancel', 'delivered', 'already_delivered'],
    ['cancel', 'cancelled', 'already_cancelled'],
    ['address_change', 'pending_payment', null],
    ['address_change', 'shipped', 'already_shipped'],
    ['address_change', 'cancelled', 'order_cancelled'],
    ['refund', 'paid', null],
    ['exchange', 'paid', 'not_shipped_exchange'],
    ['refund', 'shipped', 'in_transit'],
    ['refund', 'pending_payment', 'not_paid'],
    ['exchange', 'returned', 'already_returned'],
  ] as const)('%s of a %s order: %s', (action, status, reason) => {
    expect(checkAction(action, order(status, status === 'delivered' ? 1 : undefined), p, NOW)?.reason ?? null).toBe(reason);
  });

  it('a stricter policy file is what decides', () => {
    const strict = { ...p, cancel: { statuses: ['pending_payment' as const] }, returns: { ...p.returns, refundWindowDays: 3 } };
    expect(checkAction('cancel', order('paid'), strict, NOW)?.reason).toBe('not_allowed');
    expect(checkAction('refund', order('delivered', 5), strict, NOW)?.reason).toBe('refund_window_expired');
  });

  it('warranty after the windows, counted from delivery', () => {
    expect(underWarranty(order('delivered', 40), p, NOW)).toBe(true);
    expect(underWarranty(order('delivered', 400), p, NOW)).toBe(false);
  });

  it.each([['return_window_expired', 'refund_window_expired'], ['already_shipped', 'already_shipped'], ['SHIPPED', 'already_shipped'], ['not_delivered', null], [undefined, null]] as const)('refusal code %s → %s', (code, reason) => {
    expect(reasonFromCode(code)).toBe(reason);
  });
});
