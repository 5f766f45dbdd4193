import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EmbeddingRequest {
  authorization: string | null;
  model: string | null;
  input: string[];
}

export interface FakeEmbeddingServer {
  /** The base URL to give as KEFU_EMBEDDING_BASE_URL (ends in /v1). */
  baseUrl: string;
  requests: EmbeddingRequest[];
  /**
   * What the next requests get: vectors, an HTTP error, or no answer at all (`hang`). `shared`: every vector also gets this
   * much of one common direction, as models do whose unrelated texts are close (anisotropy).
   * `batchDelayMs`: a request of more than one text (a batch of chunks, never a question) is
   * answered after this long, as a real server takes its time over a batch.
   */
  mode: { kind: 'ok'; shared?: number; dims?: number; batchDelayMs?: number } | { kind: 'status'; status: number } | { kind: 'hang' };
  close(): Promise<void>;
}

/**
 * Word groups that mean the same to this fake, as they would to a real embedding model: a text's
 * vector counts the groups it mentions, plus one hashed dimension per other word, so texts that
 * share neither words nor a group are near orthogonal. Made up for the tests, not Kefu's.
 */
const GROUPS: readonly (readonly string[])[] = [
  ['puncture', 'flat', 'tyre', 'tire', '扎胎', '爆胎', '补胎'],
  ['overdue', 'late', 'after the hour', '超时', '逾期', '晚还'],
  ['gluten', 'coeliac', 'celiac', '麸质'],
];
const DIM = 64;

export function fakeEmbedding(text: string, shared = 0): number[] {
  const v = new Array<number>(DIM).fill(0);
  v[DIM - 1] = shared;
  const lower = text.toLowerCase();
  GROUPS.forEach((words, g) => {
    if (words.some((w) => lower.includes(w))) v[g] = 3;
  });
  for (const word of lower.split(/[^a-z]+/)) {
    if (word.length < 4) continue;
    let h = 0;
    for (const ch of word) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
    v[GROUPS.length + (h % (DIM - GROUPS.length - 1))]! += 0.3;
  }
  return v;
}

/** A local server that speaks OpenAI's `POST /v1/embeddings` (string or array input, float vectors). */
export async function startFakeEmbeddingServer(): Promise<FakeEmbeddingServer> {
  const requests: EmbeddingRequest[] = [];
  const state: { mode: FakeEmbeddingServer['mode'] } = { mode: { kind: 'ok' } };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      if (req.method !== 'POST' || req.url !== '/v1/embeddings') {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found' } }));
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { input: string | string[]; model?: string };
      const input = typeof body.input === 'string' ? [body.input] : body.input;
      requests.push({ authorization: req.headers.authorization ?? null, model: body.model ?? null, input });
      if (state.mode.kind === 'hang') return;
      if (state.mode.kind === 'status') {
        res.writeHead(state.mode.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'embedding backend down' } }));
        return;
      }
      const delay = input.length > 1 ? (state.mode.batchDelayMs ?? 0) : 0;
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      // Listed in reverse: a client must place vectors by `index`, not by position.
      const shared = state.mode.shared ?? 0;
      const dims = state.mode.dims ?? DIM;
      const data = input.map((text, index) => ({ object: 'embedding', index, embedding: fakeEmbedding(text, shared).slice(0, dims) })).reverse();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', model: body.model ?? 'fake', data }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    get mode() {
      return state.mode;
    },
    set mode(m) {
      state.mode = m;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
