/**
 * A small trigram language model in ARPA text, the format pocketsphinx reads with `-lm`.
 *
 * Pocketsphinx's general English model hears synthetic and accented speech badly ("where is my
 * order" came back as "where we are too"); a model of how customers talk to a shop makes the
 * embedded recognizer usable for the questions a shop gets. Absolute discounting with back-off:
 * every seen n-gram gives up `DISCOUNT` of its count to the lower order, so unseen word orders
 * of known words still decode.
 */
const DISCOUNT = 0.5;
const BOS = '<s>';
const EOS = '</s>';

type Counts = Map<string, number>;

const bump = (m: Counts, key: string, by = 1): void => {
  m.set(key, (m.get(key) ?? 0) + by);
};

const log10 = (p: number): string => (p <= 0 ? '-99' : Math.log10(p).toFixed(4));

/** `sentences` are already words of the recognizer's dictionary, lower case, space-separated. */
export function buildArpa(sentences: readonly string[]): string {
  const uni: Counts = new Map();
  const bi: Counts = new Map();
  const tri: Counts = new Map();
  for (const s of sentences) {
    const words = s.split(' ').filter((w) => w.length > 0);
    if (words.length === 0) continue;
    const seq = [BOS, ...words, EOS];
    for (let i = 0; i < seq.length; i++) {
      const w = seq[i] as string;
      if (w !== BOS) bump(uni, w);
      if (i >= 1) bump(bi, `${seq[i - 1]} ${w}`);
      if (i >= 2) bump(tri, `${seq[i - 2]} ${seq[i - 1]} ${w}`);
    }
  }
  // Unigrams: add-one, so every word keeps some probability after any history.
  const total = [...uni.values()].reduce((a, b) => a + b, 0);
  const vocab = uni.size;
  const pUni = new Map<string, number>();
  for (const [w, c] of uni) pUni.set(w, (c + 1) / (total + vocab));

  const { probs: pBi, backoff: bowUni } = discounted(bi, (w) => pUni.get(w) ?? 0);
  const { probs: pTri, backoff: bowBi } = discounted(tri, (key) => pBi.get(key) ?? 0);

  const lines: string[] = ['\\data\\', `ngram 1=${vocab + 1}`, `ngram 2=${pBi.size}`, `ngram 3=${pTri.size}`, '', '\\1-grams:'];
  lines.push(`-99 ${BOS} ${log10(bowUni.get(BOS) ?? 1)}`);
  for (const [w, p] of [...pUni].sort(byKey)) lines.push(`${log10(p)} ${w} ${log10(bowUni.get(w) ?? 1)}`);
  lines.push('', '\\2-grams:');
  for (const [k, p] of [...pBi].sort(byKey)) {
    const bow = bowBi.get(k);
    lines.push(bow === undefined ? `${log10(p)} ${k}` : `${log10(p)} ${k} ${log10(bow)}`);
  }
  lines.push('', '\\3-grams:');
  for (const [k, p] of [...pTri].sort(byKey)) lines.push(`${log10(p)} ${k}`);
  lines.push('', '\\end\\', '');
  return lines.join('\n');
}

const byKey = (a: [string, number], b: [string, number]): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/**
 * Discounted probabilities of n-grams and the back-off weight of each history: the mass taken
 * from the seen continuations, spread over the unseen ones in proportion to the lower order.
 * `lower` gets the (n-1)-gram key (history without its first word, plus the word).
 */
function discounted(ngrams: Counts, lower: (key: string) => number): { probs: Map<string, number>; backoff: Map<string, number> } {
  const histories = new Map<string, { count: number; kinds: number; lowerMass: number }>();
  for (const [key, c] of ngrams) {
    const cut = key.lastIndexOf(' ');
    const h = key.slice(0, cut);
    const entry = histories.get(h) ?? { count: 0, kinds: 0, lowerMass: 0 };
    entry.count += c;
    entry.kinds += 1;
    entry.lowerMass += lower(lowerKey(key));
    histories.set(h, entry);
  }
  const probs = new Map<string, number>();
  for (const [key, c] of ngrams) {
    const h = histories.get(key.slice(0, key.lastIndexOf(' '))) as { count: number };
    probs.set(key, (c - DISCOUNT) / h.count);
  }
  const backoff = new Map<string, number>();
  for (const [h, e] of histories) {
    const left = (DISCOUNT * e.kinds) / e.count;
    const unseen = 1 - e.lowerMass;
    backoff.set(h, unseen > 1e-9 ? left / unseen : 1);
  }
  return { probs, backoff };
}

/** `a b c` → `b c`; `a b` → `b`. */
const lowerKey = (key: string): string => key.slice(key.indexOf(' ') + 1);
