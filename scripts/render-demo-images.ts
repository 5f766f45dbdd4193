/**
 * Renders the demo pictures the tests and the demo use (test/fixtures/images): product labels of
 * the demo shop's products (kb/demo-shop) and an order screenshot of a demo order
 * (docs/demo-order-system.md), with ImageMagick and Debian's Noto Sans CJK font.
 *
 *   npx tsx scripts/render-demo-images.ts [outDir]
 *
 * The labels are photographed-looking on purpose (tilted, on a grey table, a little noise) so OCR
 * is tested on something like a customer's photo, not on a clean screen grab. The noise is seeded:
 * the same ImageMagick renders the same bytes.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/config/load-config.ts';

const FONT = 'Noto-Sans-CJK-SC';
const BOLD = 'Noto-Sans-CJK-SC-Bold';

interface Line {
  text: string;
  size: number;
  bold?: boolean;
  colour?: string;
}

/** One `-annotate` per line, top to bottom, on a white card. */
function card(width: number, height: number, lines: readonly Line[], background = 'white'): string[] {
  const args = ['-size', `${width}x${height}`, `xc:${background}`];
  let y = 24;
  for (const l of lines) {
    y += l.size + 14;
    args.push('-font', l.bold === true ? BOLD : FONT, '-pointsize', String(l.size), '-fill', l.colour ?? '#111', '-annotate', `+32+${y}`, l.text);
  }
  return args;
}

/** A label on a table, photographed slightly askew. */
function photo(args: string[]): string[] {
  return [
    ...args,
    '-bordercolor', '#222', '-border', '3',
    '-background', '#8a8f94', '-rotate', '-2.5',
    '-bordercolor', '#8a8f94', '-border', '40',
    '-seed', '17', '-attenuate', '0.25', '+noise', 'Gaussian',
    '-colorspace', 'Gray',
  ];
}

const IMAGES: Record<string, string[]> = {
  'label-purifier-p3.jpg': photo(card(720, 330, [
    { text: 'Kefu 空气净化器 P3', size: 40, bold: true },
    { text: '型号:KF-P3    额定电压:220V~ 50Hz', size: 24 },
    { text: '额定功率:45W    适用面积:30-50㎡', size: 24 },
    { text: 'CADR(颗粒物):400 m³/h', size: 24 },
    { text: '杭州 Kefu 电器有限公司', size: 22, colour: '#333' },
  ])),
  'label-heater-60l.jpg': photo(card(720, 330, [
    { text: 'Kefu 60升电热水器', size: 40, bold: true },
    { text: '型号:KF-WH60    额定容量:60L', size: 24 },
    { text: '额定功率:2200W    额定压力:0.8MPa', size: 24 },
    { text: '防水等级:IPX4', size: 24 },
    { text: '杭州 Kefu 电器有限公司', size: 22, colour: '#333' },
  ])),
  // A phone's order page: a screen grab, so no tilt or noise.
  'order-screenshot-kf20261123002.png': [
    ...card(540, 520, [
      { text: '订单详情', size: 32, bold: true },
      { text: '已发货 · 运输中', size: 26, colour: '#0b6e4f' },
      { text: '订单编号:KF20261123002', size: 24 },
      { text: '下单时间:2026-11-23 09:12', size: 22, colour: '#444' },
      { text: '京东物流 JDVA28714690153', size: 22, colour: '#444' },
      { text: 'Kefu 65英寸 4K 电视 ×1', size: 24 },
      { text: '可调角度挂架 ×1', size: 24 },
      { text: '实付款 ¥5198.00', size: 24, bold: true, colour: '#c0392b' },
    ], '#f7f7f7'),
  ],
};

const outDir = path.resolve(process.argv[2] ?? path.join(PROJECT_ROOT, 'test', 'fixtures', 'images'));
mkdirSync(outDir, { recursive: true });
for (const [name, args] of Object.entries(IMAGES)) {
  const out = path.join(outDir, name);
  // -strip: no timestamps in the file, so a rerun is byte-identical and the diff stays clean.
  // The photos are JPEGs as a phone makes them (and a tenth of the size of a noisy PNG).
  const format = name.endsWith('.jpg') ? ['-quality', '82'] : ['-define', 'png:exclude-chunks=date,time'];
  execFileSync('convert', [...args, '-strip', ...format, out], { stdio: 'inherit' });
  console.log(out);
}
