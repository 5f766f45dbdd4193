import { KefuError, isKefuError } from '../../errors.ts';
import type { Metrics } from '../../metrics/create-metrics.ts';
import { type Attachment, decodeAttachment } from '../attachment.ts';
import { inspectImage, type ImageInfo } from './inspect-image.ts';
import { pictureTurnText } from './picture-text.ts';
import type { TesseractPool } from './tesseract-pool.ts';

export interface ImageLimits {
  maxBytes: number;
  maxPixels: number;
}

export interface PictureReading {
  /** Everything Tesseract read, whitespace tidied (shown to the agent, masked, with the message). */
  text: string;
  /** The part of it the turn carries (products, order numbers, codes): see `pictureTurnText`. */
  turnText: string;
  bytes: Buffer;
  /** The format the bytes are (never the client's say-so). */
  mime: string;
  info: ImageInfo;
}

export interface ImageReader {
  /** Decodes, checks and reads one image attachment; failures are 4xx KefuErrors counted by reason. */
  read(attachment: Attachment): Promise<PictureReading>;
}

/** Bytes → limits → Tesseract, timed into kefu_ocr_seconds; every refusal counted in kefu_ocr_failures_total. */
export function createImageReader(deps: { pool: TesseractPool; limits: ImageLimits; metrics: Pick<Metrics, 'ocrSeconds' | 'ocrFailures'> }): ImageReader {
  return {
    async read(attachment) {
      const started = performance.now();
      let ran = false;
      try {
        if (attachment.type !== 'image') throw new KefuError('invalid_attachment', 'not an image attachment', { status: 400 });
        const bytes = decodeAttachment(attachment, deps.limits.maxBytes);
        const info = inspectImage(bytes, deps.limits.maxPixels);
        ran = true;
        const raw = await deps.pool.recognize(bytes);
        const text = raw.replace(/[ \t\u3000]+/g, ' ').replace(/\s*\n\s*/g, '\n').trim();
        return { text, turnText: pictureTurnText(text), bytes, mime: info.mime, info };
      } catch (err) {
        deps.metrics.ocrFailures.inc({ reason: isKefuError(err) ? err.code : 'ocr_failed' });
        throw err;
      } finally {
        if (ran) deps.metrics.ocrSeconds.observe((performance.now() - started) / 1000);
      }
    },
  };
}
