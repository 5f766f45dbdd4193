import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics/create-metrics.ts';
import { createImageReader } from '../../src/multimodal/ocr/image-reader.ts';
import { pictureTurnText } from '../../src/multimodal/ocr/picture-text.ts';
import { createTesseractPool } from '../../src/multimodal/ocr/tesseract-pool.ts';

import { imageAttachment as asImage, pictureFixture as fixture, pngHeader } from '../support/picture-fixtures.ts';

function reader(overrides: { timeoutMs?: number; maxBytes?: number } = {}) {
  const metrics = createMetrics();
  const pool = createTesseractPool({ concurrency: 2, timeoutMs: overrides.timeoutMs ?? 20_000, languages: 'chi_sim+eng' });
  return { metrics, reader: createImageReader({ pool, metrics, limits: { maxBytes: overrides.maxBytes ?? 8 * 1024 * 1024, maxPixels: 25_000_000 } }) };
}

const failure = async (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as { code: string; status: number; message: string });

describe('reading pictures with Tesseract', () => {
  it('reads a rendered product label and keeps the product and its model number for the turn', async () => {
    const { reader: r, metrics } = reader();
    const got = await r.read(asImage(fixture('label-purifier-p3.jpg'), 'image/jpeg'));
    expect(got.text).toContain('Kefu 空气净化器 P3');
    expect(got.info).toMatchObject({ format: 'jpg', mime: 'image/jpeg' });
    expect(got.turnText.split('\n')).toEqual(['Kefu 空气净化器 P3', '型号:KF-P3']);
    const seconds = await metrics.registry.getSingleMetricAsString('kefu_ocr_seconds');
    expect(seconds).toMatch(/kefu_ocr_seconds_count 1/);
  }, 60_000);

  it('reads an order screenshot down to its order number', async () => {
    const { reader: r } = reader();
    const got = await r.read(asImage(fixture('order-screenshot-kf20261123002.png')));
    // The order number alone: the order page's product names would make it a product question.
    expect(got.turnText).toBe('订单号 KF20261123002');
  }, 60_000);

  it('refuses a non-image, a damaged file, a pixel bomb and an oversized file with their own codes, counted by reason', async () => {
    const { reader: r, metrics } = reader({ maxBytes: 1024 * 1024 });
    expect(await failure(r.read(asImage(Buffer.from('just some text, not a picture'))))).toMatchObject({ code: 'unsupported_image', status: 415 });
    const cut = fixture('order-screenshot-kf20261123002.png').subarray(0, 3000);
    expect(await failure(r.read(asImage(cut)))).toMatchObject({ code: 'corrupt_image', status: 422 });
    expect(await failure(r.read(asImage(pngHeader(20_000, 20_000))))).toMatchObject({ code: 'image_too_large', status: 413 });
    expect(await failure(r.read(asImage(Buffer.alloc(2 * 1024 * 1024, 1))))).toMatchObject({ code: 'image_too_large', status: 413 });
    expect(await failure(r.read({ type: 'image', mime: 'image/png', data: 'not base64!' }))).toMatchObject({ code: 'invalid_image', status: 400 });
    const failures = await metrics.registry.getSingleMetricAsString('kefu_ocr_failures_total');
    expect(failures).toMatch(/reason="unsupported_image"} 1/);
    expect(failures).toMatch(/reason="corrupt_image"} 1/);
    expect(failures).toMatch(/reason="image_too_large"} 2/);
  }, 60_000);

  it('kills Tesseract at the time limit and says so', async () => {
    const { reader: r, metrics } = reader({ timeoutMs: 150 });
    expect(await failure(r.read(asImage(fixture('label-purifier-p3.jpg'), 'image/jpeg')))).toMatchObject({ code: 'ocr_timeout', status: 422 });
    expect(await metrics.registry.getSingleMetricAsString('kefu_ocr_failures_total')).toMatch(/reason="ocr_timeout"} 1/);
  }, 30_000);

  it('runs no more Tesseracts at once than the pool allows and refuses a queue past its bound', async () => {
    const pool = createTesseractPool({ concurrency: 1, maxQueue: 1, timeoutMs: 30_000, languages: 'eng' });
    const png = fixture('order-screenshot-kf20261123002.png');
    const first = pool.recognize(png);
    const second = pool.recognize(png);
    expect(await failure(pool.recognize(png))).toMatchObject({ code: 'ocr_busy', status: 503 });
    expect(await first).toContain('KF20261123002');
    expect(await second).toContain('KF20261123002');
  }, 60_000);
});

describe('the turn text of a picture', () => {
  it('keeps products, order numbers and codes, and passes short unrecognised text whole', () => {
    expect(pictureTurnText('Kefu 60升电热水器\n型号:KF-WH60 额定容量:60L\n额定功率:2200W')).toBe('Kefu 60升电热水器\n型号:KF-WH60');
    expect(pictureTurnText('设备故障\n错误代码 E03\n请联系售后')).toBe('错误代码 E03');
    expect(pictureTurnText('屏幕显示\nE3')).toBe('E3');
    expect(pictureTurnText('收货后请尽快确认')).toBe('收货后请尽快确认');
    expect(pictureTurnText('京东物流\n运单号 JDVA28714690153')).toBe('JDVA28714690153');
    expect(pictureTurnText('啊'.repeat(1000))).toHaveLength(300);
  });
});
