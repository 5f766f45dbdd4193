import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedWrite {
  /** `returns`, `address` or `cancel`: the last path segment of the contract's write routes. */
  route: 'returns' | 'address' | 'cancel';
  orderId: string;
  body: Record<string, unknown>;
  status: number;
}

/**
 * A pass-through HTTP proxy in front of an external order system: Kefu is pointed at it, and it
 * records every write that the order system accepted (2xx), since the order contract has no read
 * route for returns or addresses. Reads and refused writes pass through unrecorded.
 */
export async function startRecordingOrderProxy(target: string): Promise<{ url: string; writes: RecordedWrite[]; close(): Promise<void> }> {
  const writes: RecordedWrite[] = [];
  const base = target.replace(/\/+$/, '');
  const read = async (req: IncomingMessage): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await read(req);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
      const upstream = await fetch(`${base}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers, ...(body.length > 0 ? { body: new Uint8Array(body) } : {}) });
      const text = Buffer.from(await upstream.arrayBuffer());
      const m = /^\/orders\/([^/?]+)\/(returns|address|cancel)$/.exec((req.url ?? '').split('?')[0]!);
      if (req.method === 'POST' && m !== null && upstream.ok) {
        let parsed: Record<string, unknown> = {};
        try {
          parsed = body.length > 0 ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
        } catch {
          parsed = {};
        }
        writes.push({ route: m[2] as RecordedWrite['route'], orderId: decodeURIComponent(m[1]!), body: parsed, status: upstream.status });
      }
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
      res.end(text);
    })().catch(() => {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'proxy_error', message: 'the order system could not be reached' } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    writes,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
