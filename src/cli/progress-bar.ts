import { Presets, SingleBar } from 'cli-progress';

/** A progress bar on stderr that starts at the first report, when the total is known. */
export interface ProgressBar {
  update(done: number, total: number): void;
  /** Safe to call whether or not it started. */
  stop(): void;
}

/** `what` names the work and its unit, e.g. ('importing', 'documents'). Drawn on a terminal only. */
export function progressBar(what: string, unit: string): ProgressBar {
  const bar = new SingleBar({ format: `${what} [{bar}] {percentage}% | {value}/{total} ${unit}`, stream: process.stderr }, Presets.shades_classic);
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}

/** Runs `work` with a bar it reports to, and stops the bar however the work ends. */
export async function withProgress<T>(what: string, unit: string, work: (report: (done: number, total: number) => void) => Promise<T>): Promise<T> {
  const bar = progressBar(what, unit);
  try {
    return await work((done, total) => bar.update(done, total));
  } finally {
    bar.stop();
  }
}
