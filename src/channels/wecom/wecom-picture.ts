import { isKefuError } from '../../errors.ts';
import type { Logger } from '../../logging/create-logger.ts';
import { readTurn, type AttachmentReaders, type TurnAttachment } from '../../multimodal/read-attachments.ts';
import type { WecomMedia } from './wecom-client.ts';

/** What a member hears when their picture cannot be read; the conversation goes on. */
export interface WecomPictureTexts {
  imageTooLarge: string;
  imageUnreadable: string;
  imageTimeout: string;
  nothingRead: string;
}

export const WECOM_PICTURE_TEXTS: WecomPictureTexts = {
  imageTooLarge: '抱歉，这张图片太大了，请发送小一些的图片（最大 8 MB）。',
  imageUnreadable: '抱歉，这张图片无法识别，可能已损坏或格式不支持，请重新拍一张，或直接用文字描述。',
  imageTimeout: '抱歉，图片识别超时了，请发送更清晰或更小的图片，或直接用文字描述。',
  nothingRead: '图片里没有识别到文字，请用文字描述您的问题。',
};

/**
 * A member's picture as a chat turn: fetched by MediaId from the WeCom API, read like a picture
 * sent to /v1/chat (same limits, same OCR). A failure is a sentence for the member, not an error.
 */
export async function wecomPictureTurn(
  mediaId: string,
  deps: { media: WecomMedia; readers: AttachmentReaders; maxBytes: number; texts: WecomPictureTexts; logger: Logger },
): Promise<{ message: string; attachments?: TurnAttachment[] } | { refusal: string }> {
  try {
    const file = await deps.media.downloadMedia(mediaId, deps.maxBytes);
    return await readTurn('', [{ type: 'image', mime: file.mime, data: file.bytes.toString('base64') }], deps.readers, (m) => m);
  } catch (err) {
    const code = isKefuError(err) ? err.code : 'unknown';
    deps.logger.warn({ err, code, mediaId }, 'wecom: a picture could not be read');
    switch (code) {
      case 'media_too_large':
      case 'image_too_large':
        return { refusal: deps.texts.imageTooLarge };
      case 'ocr_timeout':
      case 'ocr_busy':
        return { refusal: deps.texts.imageTimeout };
      case 'nothing_read':
        return { refusal: deps.texts.nothingRead };
      default:
        return { refusal: deps.texts.imageUnreadable };
    }
  }
}
