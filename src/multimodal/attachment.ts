import { z } from 'zod';
import { badRequest, KefuError } from '../errors.ts';

/**
 * A picture or a voice message sent with a chat turn, as every channel carries it: POST /v1/chat
 * `attachments`, the app channel's `message` frame, the SDK. WeCom fetches its media itself and
 * hands the same shape on. docs/multimodal.md describes the field.
 */
export const AttachmentSchema = z.object({
  type: z.enum(['image', 'audio']),
  /** What the client says it is (image/png, audio/webm): read, never trusted; the bytes decide. */
  mime: z.string().min(1).max(100),
  /** The file, base64 (standard or URL-safe alphabet, padding optional). */
  data: z.string(),
  name: z.string().max(200).optional(),
});

export type Attachment = z.infer<typeof AttachmentSchema>;

/** At most one picture and one recording per turn: two pictures would be two questions. */
export const AttachmentsSchema = z
  .array(AttachmentSchema)
  .max(2, 'at most one image and one audio attachment per message')
  .refine((list) => list.filter((a) => a.type === 'image').length <= 1 && list.filter((a) => a.type === 'audio').length <= 1, {
    message: 'at most one image and one audio attachment per message',
  });

/** The bytes an attachment's base64 text can hold, without decoding it. */
export const base64Bytes = (data: string): number => {
  const body = data.replace(/=+$/, '');
  return Math.floor((body.length * 3) / 4);
};

// One pass over a bounded alphabet: linear, and it refuses whitespace a decoder would skip.
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * The attachment's bytes, with its size checked before decoding (the limit is what the channel
 * accepts for this kind). `tooLargeCode` is image_too_large or audio_too_large.
 */
export function decodeAttachment(a: Attachment, maxBytes: number): Buffer {
  const code = a.type === 'image' ? 'image_too_large' : 'audio_too_large';
  const size = base64Bytes(a.data);
  if (size > maxBytes) {
    throw new KefuError(code, `the ${a.type} is ${size} bytes; the limit is ${maxBytes}`, { status: 413 });
  }
  if (!BASE64.test(a.data)) throw badRequest(`invalid_${a.type}`, `attachment data must be base64`);
  const bytes = Buffer.from(a.data, 'base64');
  if (bytes.length === 0) throw badRequest(`invalid_${a.type}`, `the ${a.type} attachment is empty`);
  return bytes;
}

/**
 * The largest JSON body a chat turn with attachments may have: the text limit plus base64 of the
 * largest picture and recording. Bodies over it are refused before they are read (413
 * attachment_too_large), so a 30 MB upload costs the server nothing.
 */
/**
 * Room kept in a chat body for a recording until the voice channel says its own limit: ten
 * minutes of Opus or AMR fit well inside.
 */
export const AUDIO_BODY_ALLOWANCE = 10 * 1024 * 1024;

export const chatBodyLimit = (maxBodyBytes: number, maxImageBytes: number, maxAudioBytes: number): number =>
  maxBodyBytes + Math.ceil((maxImageBytes * 4) / 3) + Math.ceil((maxAudioBytes * 4) / 3) + 1024;

/** What a picture or recording added to a turn: stored with the customer's message (masked). */
export interface AttachmentReading {
  type: 'image' | 'audio';
  /** What was read or heard, masked like typed text. */
  text: string;
  /** The retained file's id (GET /v1/console/.../attachments/:id), when retention is on. */
  fileId?: string;
  mime?: string;
}

/**
 * The turn's text: what the customer typed, then what the attachments added, one per line, so
 * NLU, order references and retrieval read them as the customer's words.
 */
export function composeTurnText(typed: string, readings: readonly AttachmentReading[]): string {
  const parts = [typed.trim(), ...readings.map((r) => r.text.trim())].filter((p) => p.length > 0);
  return parts.join('\n');
}
