import { KefuError, isKefuError } from '../../errors.ts';
import type { Metrics } from '../../metrics/create-metrics.ts';
import { type Attachment, decodeAttachment } from '../attachment.ts';
import type { AttachmentReader } from '../read-attachments.ts';
import { decodeAudio } from './decode-audio.ts';
import type { ProcessPool } from './process-pool.ts';
import type { Transcriber } from './transcriber.ts';
import { pcmToWav } from './wav.ts';

export interface VoiceLimits {
  /** KEFU_AUDIO_MAX_BYTES: the recording as sent. */
  maxBytes: number;
  /** KEFU_AUDIO_MAX_SECONDS: longer recordings are refused (413 audio_too_long). */
  maxSeconds: number;
  /** KEFU_ASR_TIMEOUT_MS: decoding and transcribing one recording, waiting in line included. */
  timeoutMs: number;
}

export interface VoiceReading {
  /** What was heard: the turn's text and the customer's bubble. */
  text: string;
  turnText: string;
  bytes: Buffer;
  mime: string;
  seconds: number;
}

/**
 * A voice message → its transcript: bytes checked, decoded by ffmpeg (in the pool, with a
 * deadline), transcribed by the server or the embedded recognizer, timed into kefu_asr_seconds;
 * every refusal counted in kefu_asr_failures_total by its code.
 */
export function createVoiceReader(deps: {
  pool: ProcessPool;
  transcriber: Transcriber;
  limits: VoiceLimits;
  metrics: Pick<Metrics, 'asrSeconds' | 'asrFailures'>;
  ffmpeg?: string;
}): AttachmentReader & { read(attachment: Attachment): Promise<VoiceReading> } {
  const { limits } = deps;
  const engine = deps.transcriber.engine;
  return {
    async read(attachment) {
      const started = performance.now();
      let ran = false;
      try {
        if (attachment.type !== 'audio') throw new KefuError('invalid_attachment', 'not an audio attachment', { status: 400 });
        const bytes = decodeAttachment(attachment, limits.maxBytes);
        ran = true;
        const { text, seconds } = await deps.pool.run(limits.timeoutMs, async (deadline) => {
          const { pcm, seconds } = await decodeAudio(bytes, { maxSeconds: limits.maxSeconds, deadline, timeoutMs: limits.timeoutMs, ...(deps.ffmpeg === undefined ? {} : { ffmpeg: deps.ffmpeg }) });
          // The embedded recognizer runs in this slot; a server's work is its own, but waits here too
          // so a burst of voice messages does not become a burst at the server.
          return { text: await deps.transcriber.transcribe(pcmToWav(pcm), { deadline, timeoutMs: limits.timeoutMs }), seconds };
        });
        return { text, turnText: text, bytes, mime: attachment.mime, seconds };
      } catch (err) {
        deps.metrics.asrFailures.inc({ engine, reason: isKefuError(err) ? err.code : 'asr_failed' });
        throw err;
      } finally {
        if (ran) deps.metrics.asrSeconds.observe({ engine }, (performance.now() - started) / 1000);
      }
    },
  };
}
