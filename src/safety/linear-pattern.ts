import { RE2JS } from 're2js';

/**
 * A pattern that runs in time linear in the text whatever its source: RE2 semantics (re2js, a
 * pure-JavaScript port of RE2), so an operator's pattern with nested repetition (`(a+)+$`) cannot
 * make the server backtrack for minutes over a model's reply. RE2 syntax: no lookaround and no
 * backreferences; everything else a merchant writes (words, alternations, classes, `\b`) works.
 */
export interface LinearPattern {
  readonly source: string;
  /** The leftmost match, or null. */
  firstMatch(text: string): string | null;
}

export function compileLinearPattern(source: string, options: { ignoreCase?: boolean } = {}): LinearPattern {
  const re = RE2JS.compile(source, options.ignoreCase === true ? RE2JS.CASE_INSENSITIVE : 0);
  return {
    source,
    firstMatch(text) {
      // `test` runs the DFA and is cheap; the matcher, which finds the span, only on a hit.
      if (!re.test(text)) return null;
      const m = re.matcher(text);
      return m.find() ? m.group() : null;
    },
  };
}
