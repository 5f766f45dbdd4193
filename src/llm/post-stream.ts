import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * POSTs `body` and resolves with the response as Node gives it (headers read, body unread):
 * the model client reads the stream a network chunk at a time with `node:http`, without the
 * Request, Response, Headers and web-stream objects `fetch` builds (issue 16.4). Aborting
 * `signal` destroys the request, before or during the response; once the response is over the
 * signal no longer touches the socket, which may be serving the next request from the pool.
 */
export function postStream(url: string, headers: Readonly<Record<string, string>>, body: string, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const attempt = (mayRetryStale: boolean): void => {
      const req = send(target, { method: 'POST', headers: Object.assign({}, headers, { 'content-length': String(Buffer.byteLength(body)) }) });
      let response: IncomingMessage | undefined;
      const onAbort = (): void => {
        // A response that has fully arrived is drained, not destroyed: a turn aborts its model
        // signal when done with the reply, often before Node emits the response's 'close', and
        // destroying then cost a new connection per turn (issue 16).
        if (response?.complete === true) response.resume();
        else req.destroy();
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      req.on('error', (e: NodeJS.ErrnoException) => {
        signal.removeEventListener('abort', onAbort);
        // A pooled keep-alive socket the server had already closed (llama-server drops idle ones):
        // nothing reached the server, so the request goes again once on a fresh socket (Node's
        // documented pattern) instead of counting the server as down and failing over.
        if (mayRetryStale && req.reusedSocket && !signal.aborted && (e.code === 'ECONNRESET' || e.code === 'EPIPE')) attempt(false);
        else reject(e);
      });
      req.once('response', (res) => {
        response = res;
        res.once('close', () => signal.removeEventListener('abort', onAbort));
        // A reset mid-body reaches the reader through its iterator; this keeps it from being unhandled before.
        res.on('error', () => undefined);
        resolve(res);
      });
      req.end(body);
    };
    attempt(true);
  });
}

/** The whole body as text. */
export async function readText(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
