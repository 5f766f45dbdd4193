export interface PollLoopOptions<J> {
  /** Takes the next due job, or null when there is none. Throwing counts as "none, try later". */
  claim: () => J | null;
  /** Runs one claimed job to its end; must not reject. */
  run: (job: J) => Promise<void>;
  onClaimError: (err: unknown) => void;
  concurrency: number;
  pollMs: number;
}

/**
 * Keeps up to `concurrency` jobs running: claims until the slots are full or nothing is due, then
 * sleeps `pollMs` — or less, when a finished job frees a slot or `wake()` reports a local enqueue.
 */
export class PollLoop<J> {
  readonly #options: PollLoopOptions<J>;
  readonly #inFlight = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | null = null;
  #wakePending = false;
  #stopped = false;

  constructor(options: PollLoopOptions<J>) {
    this.#options = options;
  }

  start(): void {
    this.#fill();
  }

  /** Looks for work on the next turn of the event loop; several wakes in a row cost one look. */
  wake(): void {
    if (this.#stopped || this.#wakePending) return;
    this.#wakePending = true;
    setImmediate(() => {
      this.#wakePending = false;
      this.#fill();
    });
  }

  /** Claims nothing more and resolves once every running job has finished. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#clearTimer();
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  #fill(): void {
    if (this.#stopped) return;
    this.#clearTimer();
    const { claim, run, onClaimError, concurrency, pollMs } = this.#options;
    while (this.#inFlight.size < concurrency) {
      let job: J | null;
      try {
        job = claim();
      } catch (err) {
        onClaimError(err);
        job = null;
      }
      if (job === null) {
        this.#timer = setTimeout(() => {
          this.#timer = null;
          this.#fill();
        }, pollMs);
        return;
      }
      const running: Promise<void> = run(job).finally(() => {
        this.#inFlight.delete(running);
        this.#fill();
      });
      this.#inFlight.add(running);
    }
  }

  #clearTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
