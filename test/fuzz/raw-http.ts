import net from 'node:net';

/**
 * HTTP/1.1 over a bare socket, so the fuzzer can send what fetch refuses to: a Content-Length
 * that lies, unknown methods, raw bytes in the target, oversized or duplicated headers. Every
 * request asks for `Connection: close`, so a response ends when the server closes the socket.
 */
export interface RawRequest {
  method: string;
  /** Sent as is: may hold bytes no URL parser would accept. */
  target: string;
  headers: [string, string][];
  body: Uint8Array;
  /** `auto`: the body's length; a number: that, whatever the body (a lie when they differ); `none`: no header. */
  contentLength: 'auto' | 'none' | number;
}

export type RawResult =
  | { kind: 'response'; status: number; headers: Record<string, string>; body: Buffer; ms: number }
  | { kind: 'no_response'; reason: string; ms: number; partial: string };

export function encodeRequest(r: RawRequest): Buffer {
  const lines = [`${r.method} ${r.target} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
  for (const [k, v] of r.headers) lines.push(`${k}: ${v}`);
  if (r.contentLength === 'auto') lines.push(`Content-Length: ${r.body.length}`);
  else if (r.contentLength !== 'none') lines.push(`Content-Length: ${r.contentLength}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), r.body]);
}

function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = body.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = Number.parseInt(body.subarray(at, eol).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

function parse(all: Buffer, ms: number): RawResult {
  // `Expect: 100-continue` gets an interim 100 first: the answer is the head after it.
  let raw = all;
  while (/^HTTP\/1\.[01] 1\d\d /.test(raw.subarray(0, 16).toString('latin1')) && raw.indexOf('\r\n\r\n') >= 0) raw = raw.subarray(raw.indexOf('\r\n\r\n') + 4);
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return { kind: 'no_response', reason: raw.length === 0 ? 'closed without a response' : 'incomplete response head', ms, partial: raw.subarray(0, 200).toString('latin1') };
  const [statusLine = '', ...headerLines] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? NaN);
  if (!Number.isInteger(status)) return { kind: 'no_response', reason: `bad status line ${JSON.stringify(statusLine.slice(0, 80))}`, ms, partial: '' };
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = raw.subarray(end + 4);
  const body = headers['transfer-encoding']?.toLowerCase() === 'chunked' ? dechunk(rest) : rest;
  return { kind: 'response', status, headers, body, ms };
}

/**
 * Sends one request and reads the whole response. `abandonAfterMs`: for requests that promise a
 * body they never send, the socket is dropped after that long and no response is expected.
 */
export function sendRaw(port: number, bytes: Buffer, timeoutMs: number, abandonAfterMs?: number): Promise<RawResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    const chunks: Buffer[] = [];
    const socket = net.connect({ port, host: '127.0.0.1' });
    let done = false;
    const finish = (result: () => RawResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result());
    };
    const elapsed = () => Math.round(performance.now() - started);
    const timer = setTimeout(
      () => finish(() => (abandonAfterMs !== undefined ? { kind: 'no_response', reason: 'abandoned', ms: elapsed(), partial: '' } : { kind: 'no_response', reason: `no complete response in ${timeoutMs} ms`, ms: elapsed(), partial: Buffer.concat(chunks).subarray(0, 200).toString('latin1') })),
      abandonAfterMs ?? timeoutMs,
    );
    socket.on('data', (d) => chunks.push(d));
    socket.on('end', () => finish(() => parse(Buffer.concat(chunks), elapsed())));
    // A reset after a complete response (the server closing while we still wrote) is still a response.
    socket.on('error', (e) => finish(() => {
      const got = parse(Buffer.concat(chunks), elapsed());
      return got.kind === 'response' ? got : { kind: 'no_response', reason: `socket error ${(e as NodeJS.ErrnoException).code ?? e.message}`, ms: elapsed(), partial: got.partial };
    }));
    socket.write(bytes);
  });
}
