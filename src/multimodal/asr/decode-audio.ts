import { KefuError } from '../../errors.ts';
import { asrTimeout, runProcess } from './process-pool.ts';
import { pcmSeconds, SAMPLE_RATE } from './wav.ts';

/**
 * The containers a customer's recording comes in: MediaRecorder's WebM/Ogg (Opus), WeCom's AMR,
 * MP3, WAV, and MP4/M4A from phones. ffmpeg opens nothing else, so a playlist or concat file
 * cannot make it read other files or the network.
 */
const DEMUXERS = 'matroska,webm,ogg,amr,mp3,wav,mov,mp4,m4a,aac,flac';

export const corruptAudio = (why: string): KefuError =>
  new KefuError('corrupt_audio', `the recording could not be decoded (${why}): record it again, or type your question`, { status: 400 });

export const audioTooLong = (maxSeconds: number): KefuError =>
  new KefuError('audio_too_long', `the recording is longer than ${maxSeconds} s: send a shorter voice message, or type your question`, { status: 413 });

/**
 * Any supported recording → 16 kHz mono 16-bit PCM, loudness-normalised (quiet phone recordings
 * and loud synthetic ones both land where the recognizer's model was trained). ffmpeg stops after
 * `maxSeconds` and a little, so a ten-minute recording costs no more than a one-minute one.
 */
export async function decodeAudio(bytes: Uint8Array, opts: { maxSeconds: number; deadline: number; timeoutMs: number; ffmpeg?: string }): Promise<{ pcm: Buffer; seconds: number }> {
  const limit = opts.maxSeconds + 0.5;
  const args = [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    '-protocol_whitelist', 'pipe', '-format_whitelist', DEMUXERS,
    '-i', 'pipe:0',
    '-vn', '-t', String(limit), '-af', 'loudnorm', '-ac', '1', '-ar', String(SAMPLE_RATE), '-f', 's16le', 'pipe:1',
  ];
  const r = await runProcess(opts.ffmpeg ?? 'ffmpeg', args, bytes, { deadline: opts.deadline, maxStdoutBytes: Math.ceil(limit * SAMPLE_RATE * 2) + 4096, what: 'ffmpeg' });
  if (r.timedOut) throw asrTimeout(opts.timeoutMs);
  if (r.code !== 0) throw corruptAudio(/Invalid data|could not find codec|Format .* is not|no audio|does not contain any stream/i.test(r.stderr) ? 'not a recording ffmpeg knows' : 'it does not decode');
  const seconds = pcmSeconds(r.stdout);
  if (seconds > opts.maxSeconds) throw audioTooLong(opts.maxSeconds);
  if (seconds < 0.1) throw corruptAudio('no sound in it');
  return { pcm: r.stdout, seconds };
}
