/**
 * Context words near a candidate raise or lower its score: "身份证" before an 18-digit number
 * makes it more likely an ID, "订单号" makes it less likely. The nearest cue before the candidate
 * decides (within `window` characters); of two overlapping cues the longer wins, the negative
 * one on a tie; "编号" right after a positive cue ("身份证编号") counts as part of it.
 */
export interface ContextCues {
  positive: readonly string[];
  negative?: readonly string[];
  /** Characters before the candidate that are searched. Default 12. */
  window?: number;
  /** Added on a positive cue. Default 0.1. */
  boost?: number;
  /** Subtracted on a negative cue. Default 0.5. */
  penalty?: number;
}

const GENERIC_NUMBER_WORDS = new Set(['编号', '编码', '序列号']);

interface Hit {
  start: number;
  end: number;
}

function nearest(before: string, words: readonly string[]): Hit | null {
  let best: Hit | null = null;
  for (const w of words) {
    const i = before.lastIndexOf(w);
    if (i < 0) continue;
    const hit = { start: i, end: i + w.length };
    if (best === null || hit.end > best.end || (hit.end === best.end && hit.start < best.start)) best = hit;
  }
  return best;
}

/** Which cue governs the candidate at `start`: 1 positive, -1 negative, 0 none. */
export function contextSign(text: string, start: number, cues: ContextCues): -1 | 0 | 1 {
  const from = Math.max(0, start - (cues.window ?? 12));
  const before = text.slice(from, start).toLowerCase();
  const pos = nearest(before, cues.positive);
  const neg = cues.negative === undefined ? null : nearest(before, cues.negative);
  if (pos === null) return neg === null ? 0 : -1;
  if (neg === null) return 1;
  // "身份证编号", "护照编号": a generic number word right after a positive cue is that thing's number.
  if (neg.start === pos.end && GENERIC_NUMBER_WORDS.has(before.slice(neg.start, neg.end))) return 1;
  // Overlapping cues: the longer, more specific one wins ("会员卡号" over "卡号", "id card" over "card").
  if (neg.start < pos.end && pos.start < neg.end) return pos.end - pos.start > neg.end - neg.start ? 1 : -1;
  return neg.end > pos.end ? -1 : 1;
}

export function applyContext(text: string, start: number, base: number, cues: ContextCues): number {
  const sign = contextSign(text, start, cues);
  const score = sign === 1 ? base + (cues.boost ?? 0.1) : sign === -1 ? base - (cues.penalty ?? 0.5) : base;
  return Math.min(1, Math.max(0, score));
}

/** Cues that say "this number is an order, a tracking number or a product code". */
export const CODE_CUES: readonly string[] = [
  '订单', '单号', '运单', '快递单', '物流单', '编号', '编码', '货号', '批次', '条码', '条形码', '型号', '流水', 'sku', '商品id', '工单',
  'order', 'tracking', 'serial', 'model', 'batch', '序列号', '取件码', '验证码', '会员卡', '礼品卡', '储值卡', '积分',
];

/** Word boundary for identifiers: no ASCII letter or digit directly around the match. */
export const NOT_ALNUM_BEFORE = '(?<![0-9A-Za-z])';
export const NOT_ALNUM_AFTER = '(?![0-9A-Za-z])';
