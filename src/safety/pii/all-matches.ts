/**
 * Every match of a global regex, by `exec` on the regex itself. `String.prototype.matchAll`
 * clones the regex on each call, and the clone's compiled code comes from a cache that garbage
 * collection empties, so a large pattern (the address grammar) would be compiled again now and
 * then in the middle of a request.
 */
export function allMatches(re: RegExp, text: string): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    out.push(m);
    if (m[0] === '') re.lastIndex++;
  }
  return out;
}
