/** Speech to text for one recording, already 16 kHz mono WAV. */
export interface Transcriber {
  /** `server` (an OpenAI-compatible endpoint) or `embedded` (pocketsphinx); the metric label. */
  readonly engine: 'server' | 'embedded';
  /** The words heard ('' for none); rejects with a KefuError (asr_timeout, asr_unavailable, asr_failed). */
  transcribe(wav: Buffer, opts: { deadline: number; timeoutMs: number }): Promise<string>;
}
