import { KefuError } from '../errors.ts';

/** The seq range of `export`, both ends inclusive; `invalid_argument` (400) for an end that is not an integer ≥ 0. */
export function auditExportRange(options: { fromSeq?: number; toSeq?: number }): { from: number; to: number } {
  const from = options.fromSeq ?? 1;
  const to = options.toSeq ?? Number.MAX_SAFE_INTEGER;
  for (const [name, value] of [['fromSeq', from], ['toSeq', to]] as const) {
    if (!Number.isSafeInteger(value) || value < 0) throw new KefuError('invalid_argument', `${name} must be an integer ≥ 0`, { status: 400 });
  }
  return { from, to };
}
