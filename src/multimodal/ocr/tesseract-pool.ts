import { spawn } from 'node:child_process';
import { KefuError } from '../../errors.ts';
import { corruptImage } from './inspect-image.ts';

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
  const maxQueue = options.maxQueue ?? options.concurrency * 8;
  let running = 0;
  const waiting: (() => void)[] = [];

  /** The slot passes straight to the next in line (running stays counted), so no one overtakes it. */
  const release = () => {
    const next = waiting.shift();
    if (next === undefined) running -= 1;
    else next();
  };

  function run(image: Uint8Array, deadline: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const left = deadline - Date.now();
      if (left <= 0) {
        reject(ocrTimeout(options.timeoutMs));
        return;
      }
      const child = spawn(binary, ['stdin', 'stdout', '-l', options.languages, '--psm', '3'], {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { ...process.env, OMP_THREAD_LIMIT: '1' },
      });
      const out: Buffer[] = [];
      let outBytes = 0;
      let stderr = '';
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, left);
      child.stdout.on('data', (chunk: Buffer) => {
        if (outBytes < MAX_OUTPUT_BYTES) out.push(chunk);
        outBytes += chunk.length;
      });
      child.stderr.on('data', (chunk: Buffer) => {
        if (stderr.length < 4096) stderr += chunk.toString('utf8');
      });
      // Tesseract may exit before reading all of a picture it cannot open: EPIPE is its answer, not ours.
      child.stdin.on('error', () => {});
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(new KefuError('ocr_unavailable', 'the OCR engine (tesseract) could not be started: install tesseract-ocr', { status: 503, cause: err }));
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        if (timedOut) reject(ocrTimeout(options.timeoutMs));
        else if (code === 0) resolve(Buffer.concat(out).subarray(0, MAX_OUTPUT_BYTES).toString('utf8'));
        // Leptonica's "Error in pixRead...": the bytes passed the header check but do not decode.
        else if (/pixRead|no pix|Read Error|internal png error|Corrupt JPEG|Premature end/i.test(stderr)) reject(corruptImage('it does not decode'));
        else reject(new KefuError('ocr_failed', 'the picture could not be read', { status: 422, cause: new Error(stderr.slice(0, 500)) }));
      });
      child.stdin.end(Buffer.from(image.buffer, image.byteOffset, image.byteLength));
    });
  }

  return {
    async recognize(image) {
      const deadline = Date.now() + options.timeoutMs;
      if (running >= options.concurrency) {
        if (waiting.length >= maxQueue) throw new KefuError('ocr_busy', 'too many pictures are being read right now: try again in a moment', { status: 503, retryable: true });
        await new Promise<void>((resolve) => waiting.push(resolve));
      } else {
        running += 1;
      }
      try {
        return await run(image, deadline);
      } finally {
        release();
      }
    },
  };
}
