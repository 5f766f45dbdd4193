/**
 * Parses a stored JSON object column. A corrupted or non-object value yields `{}` and is
 * reported through `onInvalid`, so one bad row never breaks a listing.
 */
export function parseJsonObject(
  text: string | null,
  onInvalid: (reason: string) => void,
): Record<string, unknown> {
  if (text === null) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    onInvalid(e instanceof Error ? e.message : 'invalid JSON');
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    onInvalid(`expected a JSON object, got ${Array.isArray(parsed) ? 'array' : parsed === null ? 'null' : typeof parsed}`);
    return {};
  }
  return { ...parsed };
}
