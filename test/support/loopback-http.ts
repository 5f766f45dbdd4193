import { Agent, request } from 'node:http';

export interface LoopbackReply {
  status: number;
  body: unknown;
  /** The process that answered, when `ownerOf` was given (read while the connection is still open). */
  owner: number | null;
}

export interface LoopbackRequest {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** A connection to reuse; without one each request opens its own, which the primary hands to the next worker. */
  agent?: Agent;
  /** `KefuWorkers.ownerOf`: which process holds the server side of a connection from this client port. */
  ownerOf?: (clientPort: number) => number | null;
}

/** One HTTP request with node:http. */
export function httpJson(url: string, options: LoopbackRequest = {}): Promise<LoopbackReply> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  // Kept alive until the owner is read: a closed connection leaves /proc/net/tcp without its inode.
  const agent = options.agent ?? new Agent({ keepAlive: true, maxSockets: 1 });
  return new Promise<LoopbackReply>((resolve, reject) => {
    const req = request(url, {
      method: options.method ?? (payload === undefined ? 'GET' : 'POST'),
      agent,
      headers: { ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => {
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON (/metrics): the text
        }
        const owner = options.ownerOf?.(req.socket?.localPort ?? 0) ?? null;
        resolve({ status: res.statusCode ?? 0, body, owner });
      });
    });
    req.on('error', reject);
    req.end(payload);
  }).finally(() => {
    if (options.agent === undefined) agent.destroy();
  });
}

/**
 * A keep-alive agent whose one connection is held by the process `owner` wants (tries new
 * connections until the primary hands one to it): requests through it are served by that worker.
 */
export async function agentOn(url: string, ownerOf: (clientPort: number) => number | null, wanted: (pid: number) => boolean): Promise<Agent> {
  for (let i = 0; i < 40; i++) {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const { owner } = await httpJson(`${url}/readyz`, { agent, ownerOf });
    if (owner !== null && wanted(owner)) return agent;
    agent.destroy();
  }
  throw new Error('no connection reached the wanted worker in 40 tries');
}
