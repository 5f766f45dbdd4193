/**
 * `read` remembered until the event loop's next check phase (`setImmediate`): the turns whose I/O
 * arrived in one poll of the event loop see one value. For `PRAGMA data_version`, which every
 * answer-cache lookup and knowledge-base read asks so as to notice another process's commit
 * (issue 16: 3-6% of a cache-hit turn under load): a commit by another connection that lands while
 * those turns run is ordered after all of them, as it would be had it landed a moment later; the
 * next pass reads it. Not for values this process changes itself.
 */
export function perLoopPass<T>(read: () => T): () => T {
  let value: T;
  let fresh = false;
  const expire = (): void => {
    fresh = false;
  };
  return () => {
    if (!fresh) {
      value = read();
      fresh = true;
      setImmediate(expire).unref();
    }
    return value;
  };
}
