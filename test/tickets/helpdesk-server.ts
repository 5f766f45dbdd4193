import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HelpdeskRequest {
  method: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface HelpdeskServer {
  url: string;
  requests: HelpdeskRequest[];
  close(): Promise<void>;
}

/**
 * A real loopback HTTP server standing in for a merchant's helpdesk. It answers the n-th request
 * with `answers[n]` (the last answer repeats) and records every request it got.
 */
export async function startHelpdesk(answers: { status: number; body?: unknown }[]): Promise<HelpdeskServer> {
  const requests: HelpdeskRequest[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', headers: req.headers, body });
      const answer = answers[Math.min(requests.length, answers.length) - 1] ?? { status: 200 };
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/tickets`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
