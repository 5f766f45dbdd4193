/**
 * Speaks the demo voice messages the tests and the demo use (test/fixtures/audio) with Debian's
 * espeak-ng, and converts them with ffmpeg: `<name>.wav` (16 kHz mono, what Chromium's fake
 * microphone plays: --use-file-for-fake-audio-capture) and `<name>.ogg` (Opus, what a browser's
 * MediaRecorder or a phone sends).
 *
 *   npx tsx scripts/render-demo-audio.ts [outDir]
 *
 * WeCom sends voice as AMR, but Debian's ffmpeg can only decode AMR (no libopencore-amrnb
 * encoder), so no AMR clip can be made here: the WeCom test serves the Opus clip from its fake
 * media API, and AMR decoding rests on ffmpeg's own amrnb decoder (docs/multimodal.md).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/config/load-config.ts';

/** Questions the demo shop answers (kb/demo-shop), in espeak voices the embedded recognizer hears right. */
export const DEMO_CLIPS = [
  { name: 'where-is-my-order', text: 'where is my order', voice: 'en-us', speed: 140 },
  { name: 'install-air-purifier', text: 'how do I install the air purifier', voice: 'en-us', speed: 130 },
] as const;

const outDir = process.argv[2] ?? path.join(PROJECT_ROOT, 'test', 'fixtures', 'audio');
mkdirSync(outDir, { recursive: true });
for (const clip of DEMO_CLIPS) {
  const raw = path.join(outDir, `${clip.name}.espeak.wav`);
  execFileSync('espeak-ng', ['-v', clip.voice, '-s', String(clip.speed), '-w', raw, clip.text]);
  // Half a second of quiet either side, as a person leaves around a recorded question.
  const pad = ['-af', 'adelay=500,apad=pad_dur=0.5', '-ac', '1', '-ar', '16000'];
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', raw, ...pad, '-bitexact', path.join(outDir, `${clip.name}.wav`)]);
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', raw, ...pad, '-c:a', 'libopus', '-b:a', '24k', '-bitexact', path.join(outDir, `${clip.name}.ogg`)]);
  rmSync(raw);
  console.log(`${clip.name}: "${clip.text}"`);
}
