import type { AttachmentReading } from './attachment.ts';
import type { TurnAttachment } from './read-attachments.ts';
import type { RetainedFiles } from '../contracts/retained-files.ts';

/**
 * What a turn's attachments leave in the transcript (the customer message's `meta.attachments`):
 * the text read, masked, and, only when retention is on, the id of the encrypted picture.
 * Recordings are never kept: their transcript is the message.
 */
export async function attachmentsMeta(list: readonly TurnAttachment[], sessionId: string, mask: (text: string) => string, files: Pick<RetainedFiles, 'put'> | null): Promise<AttachmentReading[]> {
  return Promise.all(list.map(async (a) => ({
    type: a.type,
    text: mask(a.text),
    mime: a.file.mime,
    ...(files !== null && a.type === 'image' ? { fileId: await files.put(sessionId, a.file) } : {}),
  })));
}
