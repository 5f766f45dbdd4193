/**
 * What a node must stop when it closes, stopped in the reverse order of opening: whatever uses a
 * part (a worker on the queue, a channel on the pipeline) stops before the part does.
 */
export interface CloseStack {
  defer(close: () => unknown): void;
  /** Runs `task` every `ms` (not keeping the process alive) until close. */
  every(ms: number, task: () => void): void;
  closeAll(): Promise<void>;
}

export function createCloseStack(): CloseStack {
  const closers: (() => unknown)[] = [];
  return {
    defer(close) {
      closers.push(close);
    },
    every(ms, task) {
      const timer = setInterval(task, ms);
      timer.unref();
      closers.push(() => clearInterval(timer));
    },
    async closeAll() {
      while (closers.length > 0) await closers.pop()!();
    },
  };
}
