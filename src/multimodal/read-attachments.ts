import { KefuError } from '../errors.ts';
import { type Attachment, composeTurnText } from './attachment.ts';

/** One attachment after reading: the channel hands these to the pipeline with the turn's text. */
export interface TurnAttachment {
  type: Attachment['type'];
  /** Everything read or heard (unmasked: the pipeline masks it with the session's vault). */
  text: string;
  /** The part of `text` the turn carries into NLU and retrieval. */
  turnText: string;
  /** The file, for the retention store when KEFU_IMAGE_RETENTION is on; never stored otherwise. */
  file: { bytes: Buffer; mime: string };
}

/** Reads one attachment of its kind (OCR for images, ASR for audio). */
export interface AttachmentReader {
  read(attachment: Attachment): Promise<{ text: string; turnText: string; bytes: Buffer; mime: string }>;
}

export type AttachmentReaders = Partial<Record<Attachment['type'], AttachmentReader>>;

/**
 * A chat turn from what the customer typed and what they attached: each attachment read by its
 * reader, the typed text first and what was read after it. `check` is the channel's check of
 * typed text (empty, too long); with attachments an empty typed text is fine, but a turn with
 * nothing typed and nothing read is refused (422 nothing_read) so the customer can try again.
 */
export async function readTurn(
  typed: string | undefined,
  attachments: readonly Attachment[] | undefined,
  readers: AttachmentReaders | undefined,
  check: (message: string) => string,
): Promise<{ message: string; attachments?: TurnAttachment[] }> {
  if (attachments === undefined || attachments.length === 0) return { message: check(typed ?? '') };
  const text = (typed ?? '').trim().length === 0 ? '' : check(typed ?? '');
  const read: TurnAttachment[] = [];
  for (const a of attachments) {
    const reader = readers?.[a.type];
    if (reader === undefined) throw new KefuError('unsupported_attachment', `${a.type} attachments are not accepted by this server`, { status: 415 });
    const r = await reader.read(a);
    read.push({ type: a.type, text: r.text, turnText: r.turnText, file: { bytes: r.bytes, mime: r.mime } });
  }
  const message = composeTurnText(text, read.map((r) => ({ type: r.type, text: r.turnText })));
  if (message.length === 0) {
    throw new KefuError('nothing_read', read.some((r) => r.type === 'image') ? 'no text was found in the picture: type your question, or send a sharper picture' : 'nothing was heard in the recording: type your question, or record it again', { status: 422 });
  }
  return { message, attachments: read };
}
