import type { Readable } from 'node:stream';

/** What a stream's async iterator throws when it closes before its end; kept for the same messages. */
const prematureClose = (): Error => Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });

export interface ChunkReader {
  /** The next chunk, or null at the end; throws the stream's error (or a premature close) once the chunks before it are read. */
  next(): Promise<Buffer | null>;
  /** Stops listening; the stream is left to its owner (resumed, so a finished response drains). */
  release(): void;
}

/**
 * A stream read a network chunk at a time from its 'data' events. A Readable's async iterator
 * buffers every chunk and wakes its reader through the 'readable' machinery: when each token of a
 * reply arrives in its own read, as from a backend streaming in real time, that was about a tenth
 * of the model client's CPU per token (issue 16). At most `highWater` chunks wait unread: the
 * stream is paused until the reader catches up.
 */
export function chunkReader(stream: Readable, highWater = 16): ChunkReader {
  const queue: Buffer[] = [];
  let ended = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const settle = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  const onData = (chunk: Buffer): void => {
    queue.push(chunk);
    if (queue.length >= highWater) stream.pause();
    settle();
  };
  const onEnd = (): void => {
    ended = true;
    settle();
  };
  const onError = (e: Error): void => {
    failure ??= e;
    settle();
  };
  const onClose = (): void => {
    if (!ended) failure ??= prematureClose();
    settle();
  };
  stream.on('data', onData);
  stream.on('end', onEnd);
  stream.on('error', onError);
  stream.on('close', onClose);
  return {
    async next() {
      for (;;) {
        const chunk = queue.shift();
        if (chunk !== undefined) {
          if (queue.length < highWater && stream.isPaused()) stream.resume();
          return chunk;
        }
        if (failure !== null) throw failure;
        if (ended) return null;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    release() {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
      stream.resume();
    },
  };
}
