import { KefuError } from '../errors.ts';

/** A line number, or a description like "entry #3" where a format has no useful line. */
export type KbFileLocation = number | string | undefined;

/** The one error for unreadable knowledge files: names the file and, where known, the line. */
export function invalidKbFile(file: string, at: KbFileLocation, message: string, cause?: unknown): KefuError {
  const where = at === undefined ? file : typeof at === 'number' ? `${file}:${at}` : `${file} (${at})`;
  return new KefuError('kb_invalid_file', `${where}: ${message}`, cause === undefined ? { status: 400 } : { status: 400, cause });
}
