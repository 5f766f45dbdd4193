import type { Order } from '../../contracts/order-connector.ts';

/**
 * How well a message names the items of an order, from the item names the order system
 * returned ("保温杯那单" → "不锈钢真空保温杯 500ml", "the kettle order" → "Electric kettle 1.7L").
 *
 * Chinese: the longest ending (two characters or more) of a Han run in an item name that the
 * message contains; product nouns come last in Chinese names, so "水壶" finds "电热水壶" but
 * "电热水器" does not. English and model names: whole words (plural s/es allowed) and codes
 * such as "TV" or "P3"; the last word of a name is its noun ("kettle" in "Electric kettle 1.7L")
 * and counts most, so "it makes a noise" does not name "Noise-cancelling earbuds" as strongly.
 * Words every order shares (the shop's brand) say nothing and are skipped.
 * Returns 0 for no match, else a score where longer matches rank higher.
 */
const GENERIC_HAN = new Set(['订单', '商品', '东西', '套装', '一个', '这个', '那个', '快递', '包裹']);
const STOP = new Set(['the', 'and', 'for', 'with', 'set', 'pack', 'new', 'inch', 'one', 'order', 'item', 'items', 'pcs', 'piece', 'pieces', 'size', 'kit', 'plus', 'pro', 'max', 'mini']);

interface NameParts {
  han: string[];
  /** Lower-cased word → weight (4 for a name's last word, 3 for a code, 2 otherwise). */
  words: Map<string, number>;
}

function partsOf(order: Order): NameParts {
  const han: string[] = [];
  const words = new Map<string, number>();
  const add = (w: string, weight: number): void => {
    words.set(w, Math.max(words.get(w) ?? 0, weight));
  };
  for (const item of order.items) {
    for (const m of item.name.matchAll(/\p{Script=Han}{2,24}/gu)) han.push(m[0]);
    // "电热水壶 1.7L / Electric kettle 1.7L": each name of the item on its own.
    for (const segment of item.name.split('/')) {
      const found = [...segment.matchAll(/[A-Za-z0-9]{2,24}/g)].map((m) => m[0]);
      const plain = found.filter((w) => /^[A-Za-z]{3,}$/.test(w) && !STOP.has(w.toLowerCase()));
      for (const w of plain) add(w.toLowerCase(), w === plain.at(-1) ? 4 : 2);
      for (const w of found) if (/^[A-Z0-9]+$/.test(w) && /[A-Z]/.test(w)) add(w.toLowerCase(), 3);
    }
  }
  return { han, words };
}

function hanScore(run: string, text: string): number {
  for (let len = run.length; len >= 2; len--) {
    const tail = run.slice(-len);
    if (!GENERIC_HAN.has(tail) && text.includes(tail)) return len;
  }
  return 0;
}

/** Scores per order, in the order given. */
export function itemNameScores(orders: readonly Order[], text: string): number[] {
  const parts = orders.map(partsOf);
  const shared = (pick: (p: NameParts) => string[]): Set<string> => {
    if (parts.length < 2) return new Set();
    const [first, ...rest] = parts.map((p) => new Set(pick(p)));
    return new Set([...first!].filter((x) => rest.every((s) => s.has(x))));
  };
  const sharedHan = shared((p) => p.han);
  const sharedWords = shared((p) => [...p.words.keys()]);
  const lower = text.toLowerCase();
  const textWords = new Set<string>();
  for (const m of lower.matchAll(/[a-z0-9]{2,24}/g)) {
    const w = m[0];
    textWords.add(w);
    if (w.endsWith('es')) textWords.add(w.slice(0, -2));
    if (w.endsWith('s')) textWords.add(w.slice(0, -1));
  }
  return parts.map((p) => {
    let score = 0;
    for (const run of p.han) if (!sharedHan.has(run)) score = Math.max(score, hanScore(run, text));
    for (const [w, weight] of p.words) if (!sharedWords.has(w) && textWords.has(w)) score = Math.max(score, weight);
    return score;
  });
}
