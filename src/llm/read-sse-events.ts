import { StringDecoder } from 'node:string_decoder';

export type SSEEvent =
  | { type: 'message'; data: string; event: string | undefined }
  /** A line with a field SSE does not define; llama.cpp server reports errors as `error: {...}`. */
  | { type: 'unknown-field'; field: string; value: string };

/**
 * A line-based `text/event-stream` parser fed what has arrived at a time: every event those bytes
 * complete is parsed synchronously and returned together, so a reply costs one async step per
 * read, not per token through web streams (issue 16.4). Comments (keep-alives) are skipped,
 * chunk boundaries may fall anywhere (even inside a UTF-8 character or between "\r" and "\n"),
 * and `end()` delivers a last event without its closing blank line.
 */
export class SSELineParser {
  private readonly decoder = new StringDecoder('utf8');
  private rest = '';
  /** The event's data lines joined so far; null before its first (no array and join per event). */
  private data: string | null = null;
  private event: string | undefined;
  /** The chunk before ended in "\r": a "\n" starting this one belongs to that line end. */
  private afterCR = false;

  /** Parses a chunk; returns the events it completes, in order. */
  feed(chunk: Buffer | string): SSEEvent[] {
    let text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    if (this.afterCR && text.startsWith('\n')) text = text.slice(1);
    this.afterCR = false;
    const out: SSEEvent[] = [];
    let start = 0;
    const all = this.rest + text;
    // Line ends found with indexOf, not a test of every character: a reply is kilobytes of events.
    let lf = all.indexOf('\n', this.rest.length);
    let cr = all.indexOf('\r', this.rest.length);
    while (lf !== -1 || cr !== -1) {
      const i = cr === -1 || (lf !== -1 && lf < cr) ? lf : cr;
      this.line(all.slice(start, i), out);
      let next = i + 1;
      if (i === cr) {
        if (next === all.length) this.afterCR = true;
        else if (all.charCodeAt(next) === 10) next++;
      }
      start = next;
      if (lf !== -1 && lf < start) lf = all.indexOf('\n', start);
      if (cr !== -1 && cr < start) cr = all.indexOf('\r', start);
    }
    this.rest = all.slice(start);
    return out;
  }

  /** The stream ended: whatever is left, as if a blank line closed it. */
  end(): SSEEvent[] {
    const out: SSEEvent[] = [];
    const tail = this.rest + this.decoder.end();
    this.rest = '';
    if (tail !== '') this.line(tail, out);
    this.line('', out);
    return out;
  }

  private line(line: string, out: SSEEvent[]): void {
    if (line === '') {
      if (this.data !== null) out.push({ type: 'message', data: this.data, event: this.event });
      this.data = null;
      this.event = undefined;
      return;
    }
    if (line.charCodeAt(0) === 58) return; // ':' a comment
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') this.data = this.data === null ? value : `${this.data}\n${value}`;
    else if (field === 'event') this.event = value;
    else if (field !== 'id' && field !== 'retry') out.push({ type: 'unknown-field', field, value });
  }
}
