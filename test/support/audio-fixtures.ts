import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/config/load-config.ts';

export const AUDIO_FIXTURES = path.join(PROJECT_ROOT, 'test', 'fixtures', 'audio');

/** A clip spoken by scripts/render-demo-audio.ts (test/fixtures/audio). */
export const audioFixture = (name: string): Buffer => readFileSync(path.join(AUDIO_FIXTURES, name));

/** The wire shape of an audio attachment. */
export const audioAttachment = (bytes: Buffer, mime = 'audio/ogg', name?: string) => ({ type: 'audio' as const, mime, data: bytes.toString('base64'), ...(name === undefined ? {} : { name }) });

/** A real Opus recording of `seconds` of a tone, small at a low bitrate (a ten-minute one is ~400 KB). */
export const longRecording = (seconds: number): Buffer =>
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `sine=frequency=300:duration=${seconds}`, '-ac', '1', '-c:a', 'libopus', '-b:a', '6k', '-f', 'ogg', 'pipe:1'], { maxBuffer: 16 * 1024 * 1024 });
