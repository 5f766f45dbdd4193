import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProactiveRules, normalisePage, pageMatches, parseProactiveRules, ruleMatches, type PageEvent } from '../../src/proactive/proactive-rules.ts';
import { useTempDir } from '../knowledge/temp-dir.ts';

const RULES = `
version: 1
rules:
  - id: payment_hesitation
    when: { type: payment, min_dwell_ms: 60000, page: /checkout* }
    message: { zh: 支付遇到问题了吗?, en: Trouble paying? }
    max_per_visitor_per_day: 1
  - id: cart_or_checkout
    when: { type: [cart, checkout] }
    message: { zh: 需要帮忙吗?, en: Need help? }
  - id: off
    enabled: false
    when: { type: page_view }
    message: { zh: 关, en: off }
`;

const event = (e: Partial<PageEvent>): PageEvent => ({ visitorId: 'v1', type: 'page_view', page: '/', ...e });

describe('proactive rules', () => {
  const tempDir = useTempDir();

  it('parses the YAML with defaults, and matches type, dwell and page', () => {
    const [pay, cart, off] = parseProactiveRules(RULES, 'rules.yaml');
    expect(pay).toEqual({ id: 'payment_hesitation', enabled: true, when: { types: ['payment'], minDwellMs: 60_000, page: '/checkout*' }, message: { zh: '支付遇到问题了吗?', en: 'Trouble paying?' }, maxPerVisitorPerDay: 1 });
    expect(cart).toMatchObject({ when: { types: ['cart', 'checkout'], minDwellMs: 0, page: null }, maxPerVisitorPerDay: 1 });

    expect(ruleMatches(pay!, event({ type: 'payment', page: '/checkout/pay', dwellMs: 60_000 }))).toBe(true);
    expect(ruleMatches(pay!, event({ type: 'payment', page: '/checkout/pay', dwellMs: 59_999 }))).toBe(false);
    expect(ruleMatches(pay!, event({ type: 'payment', page: '/checkout/pay' }))).toBe(false);
    expect(ruleMatches(pay!, event({ type: 'payment', page: '/cart', dwellMs: 90_000 }))).toBe(false);
    expect(ruleMatches(pay!, event({ type: 'dwell', page: '/checkout/pay', dwellMs: 90_000 }))).toBe(false);
    expect(ruleMatches(cart!, event({ type: 'checkout', page: '/anything' }))).toBe(true);
    expect(ruleMatches(cart!, event({ type: 'payment', page: '/anything' }))).toBe(false);
    expect(ruleMatches(off!, event({ type: 'page_view' }))).toBe(false);
  });

  it('matches page patterns literally except for *', () => {
    expect(pageMatches('/checkout*', '/checkout')).toBe(true);
    expect(pageMatches('/checkout*', '/checkout/pay/step-2')).toBe(true);
    expect(pageMatches('/checkout*', '/shop/checkout')).toBe(false);
    expect(pageMatches('/p/*.html', '/p/tv.html')).toBe(true);
    expect(pageMatches('/p/*.html', '/p/tvXhtml')).toBe(false);
    expect(pageMatches('/a+b', '/a+b')).toBe(true);
    expect(pageMatches('/a+b', '/aab')).toBe(false);
  });

  it('keeps only the path of what the widget sends (no query strings with tokens or personal data)', () => {
    expect(normalisePage('https://shop.example.com/checkout/pay?token=abc&phone=13800138000#top')).toBe('/checkout/pay');
    expect(normalisePage('/checkout?x=1')).toBe('/checkout');
    expect(normalisePage('checkout')).toBe('/checkout');
    expect(normalisePage(`/${'a'.repeat(600)}`)).toHaveLength(512);
  });

  it('refuses a malformed file with the file and the field in the message', () => {
    expect(() => parseProactiveRules('version: 1\nrules:\n  - id: Bad Id\n    when: { type: payment }\n    message: { zh: a, en: b }\n', 'x.yaml')).toThrow(/x\.yaml: rules\.0\.id: ids are lower_snake_case/);
    expect(() => parseProactiveRules('version: 1\nrules:\n  - id: a\n    when: { type: paying }\n    message: { zh: a, en: b }\n', 'x.yaml')).toThrow(/x\.yaml: rules\.0\.when\.type/);
    expect(() => parseProactiveRules('version: 1\nrules:\n  - id: a\n    when: { type: cart, page: checkout }\n    message: { zh: a, en: b }\n', 'x.yaml')).toThrow(/page is a path pattern/);
    expect(() => parseProactiveRules('version: 1\nrules:\n  - id: a\n    when: { type: cart }\n    message: { zh: a }\n', 'x.yaml')).toThrow(/rules\.0\.message\.en/);
    expect(() => parseProactiveRules('version: 1\nrules:\n  - id: a\n    when: { type: cart }\n    message: { zh: a, en: b }\n  - id: a\n    when: { type: cart }\n    message: { zh: a, en: b }\n', 'x.yaml')).toThrow(/unique/);
    expect(() => parseProactiveRules('version: 1\nrules: [', 'x.yaml')).toThrow(/x\.yaml: not valid YAML/);
    expect(() => loadProactiveRules(path.join(tempDir(), 'missing.yaml'))).toThrow(/Cannot read the proactive rules .*missing\.yaml \(KEFU_PROACTIVE_RULES\)/);
  });

  it('loads the shipped policies/proactive.yaml and a replacement file', () => {
    const shipped = loadProactiveRules();
    expect(shipped.find((r) => r.id === 'payment_hesitation')).toMatchObject({ when: { types: ['payment'], minDwellMs: 60_000, page: '/checkout*' }, maxPerVisitorPerDay: 1 });
    const file = path.join(tempDir(), 'rules.yaml');
    writeFileSync(file, RULES);
    expect(loadProactiveRules(file).map((r) => r.id)).toEqual(['payment_hesitation', 'cart_or_checkout', 'off']);
  });
});
