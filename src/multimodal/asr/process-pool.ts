import { KefuError } from '../../errors.ts';
import * as generic from '../process-pool.ts';

export type { ProcessPool, ProcessResult } from '../process-pool.ts';

export const asrTimeout = (ms: number): KefuError =>
  new KefuError('asr_timeout', `transcribing the recording took longer than ${ms / 1000} s: try a shorter message, or type it`, { status: 504, retryable: true });

const asrBusy = (): KefuError =>
  new KefuError('asr_busy', 'too many voice messages are being transcribed right now: try again in a moment', { status: 503, retryable: true });

/** The voice pool: ffmpeg and the embedded recognizer share its slots. */
export function createProcessPool(options: { concurrency: number; maxQueue?: number }): generic.ProcessPool {
  return generic.createProcessPool(Object.assign({}, options, { busy: asrBusy, expired: asrTimeout }));
}

/** One audio program run (see the generic runProcess); a missing program is 503 asr_unavailable. */
export function runProcess(
  binary: string,
  args: readonly string[],
  input: Uint8Array,
  opts: { deadline: number; maxStdoutBytes: number; what: string; stdinAsPipe?: boolean },
): Promise<generic.ProcessResult> {
  return generic.runProcess(binary, args, input, Object.assign({}, opts, {
    unavailable: (cause: unknown) => new KefuError('asr_unavailable', `${opts.what} could not be started: install it (see README, "Voice")`, { status: 503, cause }),
  }));
}
