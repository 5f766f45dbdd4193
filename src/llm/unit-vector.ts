/**
 * `values` scaled to unit length, so a dot product of two is their cosine (EmbeddingModel's
 * contract). A zero vector stays zero: it matches nothing. Null when a value is not a finite number.
 */
export function unitVector(values: ArrayLike<unknown>): Float32Array | null {
  const v = new Float32Array(values.length);
  let norm = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) return null;
    v[i] = x;
    norm += x * x;
  }
  if (norm > 0) {
    const s = 1 / Math.sqrt(norm);
    for (let i = 0; i < v.length; i++) v[i]! *= s;
  }
  return v;
}
