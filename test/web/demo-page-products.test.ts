import { readdirSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { DEMO_CATALOG } from '../../src/orders/demo-order-seed.ts';

/**
 * The demo page sells what the demo shop's knowledge base answers about and the demo order
 * system has orders of: every product card names a catalogue SKU at its catalogue price, under
 * the catalogue's name, and every word of that name is in the knowledge base. (The page once
 * showed an AP-300, a TV-55 at ¥3,499 and EB-2 earbuds that neither knew.)
 */
const page = readFileSync(new URL('../../web/index.html', import.meta.url), 'utf8');
const kbDir = new URL('../../kb/demo-shop/', import.meta.url);
const kb = readdirSync(kbDir).map((f) => readFileSync(new URL(f, kbDir), 'utf8')).join('\n');
const catalog = Object.values(DEMO_CATALOG);

const cards = [...page.matchAll(/<div class="card"><h3>([^<]+)<\/h3><div>[^<]*· ([A-Z0-9-]+)<\/div><div class="price">¥([\d,]+)<\/div><\/div>/g)].map((m) => ({
  name: m[1]!,
  sku: m[2]!,
  price: Number(m[3]!.replaceAll(',', '')),
}));

it('shows only products of the demo catalogue and the knowledge base', () => {
  expect(cards.length).toBeGreaterThanOrEqual(3);
  // Every card of the product grid was parsed: none slipped past in another shape.
  expect(cards.length).toBe((page.match(/<main>[\s\S]*<\/main>/)?.[0] ?? '').match(/class="card"/g)?.length);
  for (const card of cards) {
    const item = catalog.find((c) => c.sku === card.sku);
    expect(item, card.sku).toBeDefined();
    expect(card.price).toBe(item!.price);
    expect(item!.name.split(' / ')[0]).toBe(card.name);
    for (const word of card.name.split(' ')) expect(kb, `${card.name}: ${word}`).toContain(word);
  }
});

it('puts a catalogue product in the pretend cart, at its price', () => {
  const cart = /<div>([^<]+) ×1 · <span class="price">¥([\d,]+)<\/span>/.exec(page);
  expect(cart).not.toBeNull();
  const item = catalog.find((c) => c.name.startsWith(`${cart![1]!} /`));
  expect(item).toBeDefined();
  expect(Number(cart![2]!.replaceAll(',', ''))).toBe(item!.price);
});
