import { imageSize } from 'image-size';
import { KefuError } from '../../errors.ts';

/** Formats Tesseract's image library (Leptonica) reads and phones and browsers send. */
const READABLE = { png: 'image/png', jpg: 'image/jpeg', webp: 'image/webp', gif: 'image/gif', bmp: 'image/bmp', tiff: 'image/tiff' } as const;

export type ImageFormat = keyof typeof READABLE;

export interface ImageInfo {
  format: ImageFormat;
  mime: string;
  width: number;
  height: number;
}

export const unsupportedImage = (detail: string): KefuError =>
  new KefuError('unsupported_image', `${detail}: send a PNG, JPEG, WebP, GIF, BMP or TIFF picture`, { status: 415 });

export const corruptImage = (detail: string): KefuError =>
  new KefuError('corrupt_image', `the picture could not be read (${detail}): it may be damaged or cut off; take it again`, { status: 422 });

/**
 * The format and size of a picture from its header alone, before anything decodes it: a file
 * of a few kilobytes can claim 100,000 × 100,000 pixels and take gigabytes to open, so the pixel
 * limit is checked here. The bytes decide the format; the client's mime type is not trusted.
 */
export function inspectImage(bytes: Uint8Array, maxPixels: number): ImageInfo {
  let size: ReturnType<typeof imageSize>;
  try {
    size = imageSize(bytes);
  } catch (err) {
    // image-size says "unsupported file type" for bytes it does not know and throws on a header it cannot parse.
    const message = err instanceof Error ? err.message : '';
    throw message.startsWith('unsupported file type') ? unsupportedImage('the file is not a picture') : corruptImage('its header is damaged');
  }
  const format = size.type as string | undefined;
  if (format === undefined || !(format in READABLE)) throw unsupportedImage(`${format ?? 'this'} pictures cannot be read`);
  const { width, height } = size;
  if (!(width > 0 && height > 0)) throw corruptImage('it has no size');
  if (width * height > maxPixels) {
    throw new KefuError('image_too_large', `the picture is ${width} × ${height} pixels; the limit is ${(maxPixels / 1_000_000).toFixed(0)} megapixels`, { status: 413 });
  }
  return { format: format as ImageFormat, mime: READABLE[format as ImageFormat], width, height };
}
