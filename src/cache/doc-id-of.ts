/** A cited source id (`${docId}#${chunk}`) to its document id. */
export function docIdOf(sourceId: string): string {
  const i = sourceId.lastIndexOf('#');
  return i < 0 ? sourceId : sourceId.slice(0, i);
}
