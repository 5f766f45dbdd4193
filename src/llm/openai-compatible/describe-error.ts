/** An error's message with its system code (`ECONNREFUSED`), from itself or its cause. */
export function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const own = 'code' in e ? e : e.cause;
  const code = own instanceof Error && 'code' in own ? ` (${String(own.code)})` : '';
  return `${e.message}${code}`;
}
