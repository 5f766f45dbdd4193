import { postJson } from './start-test-server.ts';

/** A `/v1/chat` reply as the picture and voice tests read it (refusals carry `error`). */
export interface MultimodalReply {
  session_id: string;
  session_token?: string;
  reply: string;
  intent: string;
  transcript?: string;
  sources: { id: string; title: string }[];
  flow?: { name: string; step: string };
  attachments?: { type: string; text: string }[];
  error?: { code: string; message: string };
}

/** One `/v1/chat` turn with its status, for tests that expect refusals as well as replies. */
export async function chatTurn(url: string, body: Record<string, unknown>): Promise<{ status: number; body: MultimodalReply }> {
  const res = await postJson(`${url}/v1/chat`, body);
  return { status: res.status, body: (await res.json()) as MultimodalReply };
}
