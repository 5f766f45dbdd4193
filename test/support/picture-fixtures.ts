import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/config/load-config.ts';

/** A picture rendered by scripts/render-demo-images.ts (test/fixtures/images). */
export const pictureFixture = (name: string): Buffer => readFileSync(path.join(PROJECT_ROOT, 'test', 'fixtures', 'images', name));

/** The wire shape of an image attachment. */
export const imageAttachment = (bytes: Buffer, mime = 'image/png', name?: string) => ({ type: 'image' as const, mime, data: bytes.toString('base64'), ...(name === undefined ? {} : { name }) });

/** A PNG whose header claims `w` × `h` pixels, with no pixel data behind it (a decompression bomb's shape). */
export function pngHeader(w: number, h: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(13);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), len, Buffer.from('IHDR'), ihdr, Buffer.alloc(4)]);
}
