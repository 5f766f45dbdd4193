import { KefuError } from '../../errors.ts';
import { corruptImage } from './inspect-image.ts';
import { createProcessPool, runProcess } from '../process-pool.ts';

export interface TesseractPoolOptions {
  /** Tesseract processes at once; more wait their turn (each uses one core: OMP_THREAD_LIMIT=1). */
  concurrency: number;
  /** Wall time per picture, waiting in line included; the process is killed when it runs out. */
  timeoutMs: number;
  /** Tesseract languages joined by `+` (chi_sim+eng). */
  languages: string;
  /** Pictures waiting beyond this are refused (503 ocr_busy) rather than queued for minutes. */
  maxQueue?: number;
  binary?: string;
}

export interface TesseractPool {
  /** The text of the picture; rejects with a KefuError (ocr_timeout, corrupt_image, ocr_busy, ocr_failed). */
  recognize(image: Uint8Array): Promise<string>;
}

/** More text than this is not a label or a screenshot; the rest is dropped rather than buffered. */
const MAX_OUTPUT_BYTES = 64 * 1024;

export const ocrTimeout = (ms: number): KefuError =>
  new KefuError('ocr_timeout', `reading the picture took longer than ${ms / 1000} s: send a smaller or clearer picture, or type the text`, { status: 422 });

/**
 * The Tesseract CLI (Debian's tesseract-ocr) behind a small pool: the picture goes in on stdin
 * (no temporary file holds it), text comes back on stdout. A bounded number run at once, each
 * killed at its deadline, so a burst of pictures or one that Tesseract chokes on cannot take the
 * server's cores. docs/multimodal.md says why the CLI and not a Node binding.
 */
export function createTesseractPool(options: TesseractPoolOptions): TesseractPool {
  const binary = options.binary ?? 'tesseract';
  const pool = createProcessPool({
    concurrency: options.concurrency,
    ...(options.maxQueue === undefined ? {} : { maxQueue: options.maxQueue }),
    busy: () => new KefuError('ocr_busy', 'too many pictures are being read right now: try again in a moment', { status: 503, retryable: true }),
    expired: ocrTimeout,
  });

  async function run(image: Uint8Array, deadline: number): Promise<string> {
    const r = await runProcess(binary, ['stdin', 'stdout', '-l', options.languages, '--psm', '3'], image, {
      deadline,
      maxStdoutBytes: MAX_OUTPUT_BYTES,
      env: Object.assign({}, process.env, { OMP_THREAD_LIMIT: '1' }),
      unavailable: (cause) => new KefuError('ocr_unavailable', 'the OCR engine (tesseract) could not be started: install tesseract-ocr', { status: 503, cause }),
    });
    if (r.timedOut) throw ocrTimeout(options.timeoutMs);
    if (r.code === 0) return r.stdout.toString('utf8');
    // Leptonica's "Error in pixRead...": the bytes passed the header check but do not decode.
    if (/pixRead|no pix|Read Error|internal png error|Corrupt JPEG|Premature end/i.test(r.stderr)) throw corruptImage('it does not decode');
    throw new KefuError('ocr_failed', 'the picture could not be read', { status: 422, cause: new Error(r.stderr.slice(0, 500)) });
  }

  return {
    recognize: (image) => pool.run(options.timeoutMs, (deadline) => run(image, deadline)),
  };
}
