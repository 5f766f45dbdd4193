import { isKefuError } from '../../errors.ts';
import type { Logger } from '../../logging/create-logger.ts';
import { readTurn, type AttachmentReaders, type TurnAttachment } from '../../multimodal/read-attachments.ts';
import type { WecomMedia } from './wecom-client.ts';

/** What a member hears when their voice message cannot be used; the conversation goes on. */
export interface WecomVoiceTexts {
  voiceTooLong: string;
  voiceUnreadable: string;
  voiceUnavailable: string;
  nothingHeard: string;
}

export const WECOM_VOICE_TEXTS: WecomVoiceTexts = {
  voiceTooLong: '抱歉，这段语音太长了，请控制在一分钟以内，或直接用文字描述。',
  voiceUnreadable: '抱歉，这段语音无法播放，请重新录一段，或直接用文字描述。',
  voiceUnavailable: '抱歉，语音识别暂时不可用，请直接用文字描述您的问题。',
  nothingHeard: '抱歉，没有听清您说的话，请再说一次，或直接用文字描述。',
};

/**
 * A member's voice message as a chat turn. WeCom's own speech recognition, when the app has it
 * on, arrives as `Recognition`: that text is the turn. Otherwise the recording (AMR) is fetched by
 * MediaId and transcribed like one sent to /v1/chat (same limits, same recognizer).
 */
export async function wecomVoiceTurn(
  voice: { mediaId: string; format: string | null; recognition: string | null },
  deps: { media: WecomMedia | undefined; readers: AttachmentReaders | undefined; maxBytes: number; texts: WecomVoiceTexts; logger: Logger },
): Promise<{ message: string; attachments?: TurnAttachment[] } | { refusal: string }> {
  const mime = `audio/${(voice.format ?? 'amr').toLowerCase()}`;
  if (voice.recognition !== null) {
    const text = voice.recognition;
    return { message: text, attachments: [{ type: 'audio', text, turnText: text, file: { bytes: Buffer.alloc(0), mime } }] };
  }
  if (deps.media === undefined || deps.readers?.audio === undefined) return { refusal: deps.texts.voiceUnavailable };
  try {
    const file = await deps.media.downloadMedia(voice.mediaId, deps.maxBytes);
    // The bytes decide what ffmpeg decodes; the type is only a label in the transcript.
    return await readTurn('', [{ type: 'audio', mime: file.mime.startsWith('audio/') ? file.mime : mime, data: file.bytes.toString('base64') }], deps.readers, (m) => m);
  } catch (err) {
    const code = isKefuError(err) ? err.code : 'unknown';
    deps.logger.warn({ err, code, mediaId: voice.mediaId }, 'wecom: a voice message could not be transcribed');
    switch (code) {
      case 'media_too_large':
      case 'audio_too_large':
      case 'audio_too_long':
        return { refusal: deps.texts.voiceTooLong };
      case 'nothing_read':
        return { refusal: deps.texts.nothingHeard };
      case 'asr_unavailable':
      case 'asr_timeout':
      case 'asr_busy':
        return { refusal: deps.texts.voiceUnavailable };
      default:
        return { refusal: deps.texts.voiceUnreadable };
    }
  }
}
