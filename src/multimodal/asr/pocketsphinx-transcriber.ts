import { existsSync } from 'node:fs';
import { KefuError } from '../../errors.ts';
import { EN_US_ACOUSTIC_MODEL, EN_US_DICT, EN_US_GENERAL_LM, KEFU_EN_LM } from './pocketsphinx-model.ts';
import { asrTimeout, runProcess } from './process-pool.ts';
import type { Transcriber } from './transcriber.ts';

export interface PocketsphinxOptions {
  /** An ARPA or binary language model; `general` is pocketsphinx's own. Default: models/asr/kefu-en.arpa. */
  languageModel?: string;
  binary?: string;
}

/**
 * The embedded English recognizer: Debian's pocketsphinx_continuous on the WAV (stdin), one
 * utterance per line out. English only: Chinese speech needs an ASR server (KEFU_ASR_BASE_URL).
 * The shop's language model (scripts/build-asr-lm.ts) is weighted above the default (-lw 10):
 * it knows what customers ask, which is most of what makes short questions come out right.
 */
export function createPocketsphinxTranscriber(options: PocketsphinxOptions = {}): Transcriber {
  const lm = options.languageModel === undefined ? KEFU_EN_LM : options.languageModel === 'general' ? EN_US_GENERAL_LM : options.languageModel;
  const binary = options.binary ?? 'pocketsphinx_continuous';
  if (!existsSync(lm)) throw new KefuError('invalid_config', `KEFU_ASR_LM: no language model at ${lm}`);
  const args = ['-infile', '/dev/stdin', '-hmm', EN_US_ACOUSTIC_MODEL, '-dict', EN_US_DICT, '-lm', lm, '-lw', '10', '-logfn', '/dev/null'];

  return {
    engine: 'embedded',
    async transcribe(wav, { deadline, timeoutMs }) {
      if (!existsSync(EN_US_ACOUSTIC_MODEL)) throw new KefuError('asr_unavailable', 'the embedded recognizer needs Debian\'s pocketsphinx-en-us (or set KEFU_ASR_BASE_URL)', { status: 503 });
      // Raw samples: pocketsphinx reads a header only from files named .wav, and 44 bytes of
      // header read as sound shift every frame (enough to turn 'order' into 'card').
      const r = await runProcess(binary, args, wav.subarray(44), { deadline, maxStdoutBytes: 16 * 1024, stdinAsPipe: true, what: 'pocketsphinx_continuous (Debian pocketsphinx)' });
      if (r.timedOut) throw asrTimeout(timeoutMs);
      if (r.code === 127) throw new KefuError('asr_unavailable', 'the embedded recognizer needs Debian\'s pocketsphinx (or set KEFU_ASR_BASE_URL)', { status: 503 });
      if (r.code !== 0) throw new KefuError('asr_failed', 'the recording could not be transcribed', { status: 422, cause: new Error(r.stderr.slice(0, 500)) });
      return r.stdout.toString('utf8').split('\n').map((l) => l.trim()).filter((l) => l.length > 0).join(' ');
    },
  };
}
