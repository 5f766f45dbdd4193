import type { Readable } from 'node:stream';

/** What a stream's async iterator throws when it closes before its end; kept for the same messages. */
const prematureClose = (): Error => Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });

export interface ChunkReader {
  /**
   * Everything that has arrived since the last call, as one buffer (waits for the next chunk when
   * nothing has), or null at the end; throws the stream's error (or a premature close) once the
   * chunks before it are read.
   */
  next(): Promise<Buffer | null>;
  /** Stops listening; the stream is left to its owner (resumed, so a finished response drains). */
  release(): void;
}

/** Bytes left unread before the stream is paused: Node's own default for a byte stream. */
const HIGH_WATER_BYTES = 16 * 1024;

/**
 * A stream read from its 'data' events. A Readable's async iterator buffers every chunk and wakes
 * its reader through the 'readable' machinery: when each token of a reply arrives in its own read,
 * as from a backend streaming in real time, that was about a tenth of the model client's CPU per
 * token (issue 16). An HTTP response gives one 'data' event per chunk of its chunked encoding, and
 * an OpenAI-compatible server writes each event as its own chunk, so a read that brought several
 * tokens would still be several steps: `next()` hands over all of them at once. At most
 * `highWaterBytes` wait unread: the stream is paused until the reader catches up.
 */
export function chunkReader(stream: Readable, highWaterBytes = HIGH_WATER_BYTES): ChunkReader {
  const queue: Buffer[] = [];
  let queued = 0;
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
    queued += chunk.length;
    if (queued >= highWaterBytes) stream.pause();
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
        if (queue.length > 0) {
          const all = queue.length === 1 ? queue[0]! : Buffer.concat(queue, queued);
          queue.length = 0;
          queued = 0;
          if (stream.isPaused()) stream.resume();
          return all;
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
