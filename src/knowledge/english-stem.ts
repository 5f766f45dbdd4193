const VOWEL = /[aeiouy]/;

/**
 * Light, deterministic English stemming: plural `s`/`ies`, `-ing`, `-ed`, a final `e` and a final
 * doubled consonant. Not linguistically exact; it only has to map "ships/shipping/shipped/ship",
 * "charge/charges/charged" and "install/installed/installing" to the same term.
 */
export function stemEnglish(word: string): string {
  let w = word;
  if (w.length <= 3 || /\d/.test(w)) return w;
  if (w.endsWith("'s")) w = w.slice(0, -2);
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);

  if (w.endsWith('ing') && w.length >= 6 && VOWEL.test(w.slice(0, -3))) w = w.slice(0, -3);
  else if (w.endsWith('ed') && !w.endsWith('eed') && w.length >= 5 && VOWEL.test(w.slice(0, -2))) w = w.slice(0, -2);

  if (w.endsWith('e') && w.length >= 5) w = w.slice(0, -1);
  const last = w.at(-1);
  if (w.length >= 4 && last !== undefined && last === w.at(-2) && !VOWEL.test(last)) w = w.slice(0, -1);
  return w;
}
