import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EXTERNAL_USER, startExternalOrderSystem, type ExternalOrderSystem } from '../support/external-order-system.ts';
import { postJson, DEMO_NOW } from '../support/start-test-server.ts';
import { startCluster, type Cluster, type ClusterNode } from './cluster-harness.ts';

/**
 * Two `kefu serve` processes, each with its own data dir, sharing PostgreSQL and Redis: what one
 * node pseudonymised another can reveal (the PII vault is in PostgreSQL, under one
 * KEFU_VAULT_KEY), and the audit chain is one for the cluster, so `kefu audit verify` on a
 * surviving node covers the turns of a node that was killed.
 */
const VAULT_KEY = '5a'.repeat(32);
const AUDIT_KEY = 'c3'.repeat(32);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ADDRESS = '221B Baker Street, London NW1 6XE';
const ORDER = 'SO9B3D5F7H1J0021'; // paid: its address can still change

let shop: ExternalOrderSystem;
let cluster: Cluster;

beforeAll(async () => {
  shop = await startExternalOrderSystem({ now: () => DEMO_NOW });
  cluster = await startCluster({ nodes: 2, env: { KEFU_ORDERS_URL: shop.url, KEFU_VAULT_KEY: VAULT_KEY, KEFU_AUDIT_KEY: AUDIT_KEY } });
}, 300_000);
afterAll(async () => {
  await cluster?.close();
  await shop?.close();
});

interface Reply {
  session_id: string;
  reply: string;
  flow?: { name: string; step: string };
}

async function chat(node: ClusterNode, message: string, sessionId?: string): Promise<Reply> {
  const res = await postJson(`${node.url}/v1/chat`, { message, user_id: EXTERNAL_USER, ...(sessionId === undefined ? {} : { session_id: sessionId }) });
  const body = (await res.json()) as Reply;
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body;
}

/** `kefu <args>` as node `node` would run it: its data dir, the cluster's database and keys. */
async function kefu(node: ClusterNode, args: string[]): Promise<string> {
  const env = { ...process.env, KEFU_DATA_DIR: node.dataDir, KEFU_DATABASE_URL: cluster.databaseUrl, KEFU_AUDIT_KEY: AUDIT_KEY, KEFU_VAULT_KEY: VAULT_KEY, KEFU_LOG_LEVEL: 'warn' };
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(ROOT, 'bin/kefu.js'), ...args], { cwd: ROOT, env, maxBuffer: 16 << 20 });
  return stdout;
}

it('an address change begun on node A and confirmed on node B after A is killed writes the real address once', async () => {
  const [a, b] = cluster.nodes as [ClusterNode, ClusterNode];
  const first = await chat(a, `I need to change the delivery address of order ${ORDER}`);
  expect(first.flow?.step, first.reply).toBe('ask_address');
  const confirm = await chat(a, ADDRESS, first.session_id);
  expect(confirm.flow?.step, confirm.reply).toBe('confirm');
  expect(confirm.reply).toContain('221B Baker Street');
  const killedAt = new Date().toISOString();
  await cluster.kill(0, 'SIGKILL');

  const done = await chat(b, 'yes', first.session_id);
  expect(done.flow?.step, `${done.reply}\n${cluster.logs()}`).toBe('done');
  expect(done.reply).toContain('221B Baker Street');
  expect(done.reply).not.toMatch(/\[[A-Z]+_\d+\]/);
  const writes = shop.writes.filter((w) => w.kind === 'address' && w.orderId === ORDER);
  expect(writes).toHaveLength(1);
  expect((writes[0]!.body as { address?: string }).address).toBe(ADDRESS);

  // The audit chain verifies on node B and holds node A's turns of the session, from before the kill.
  const verified = JSON.parse(await kefu(b, ['audit', 'verify', '--json'])) as { ok: boolean; entries: number };
  expect(verified.ok).toBe(true);
  const exported = (await kefu(b, ['audit', 'export'])).trim().split('\n').map((line) => JSON.parse(line) as { sessionId: string; at: string; content: string });
  expect(exported).toHaveLength(verified.entries);
  const session = exported.filter((e) => e.sessionId === first.session_id);
  expect(session.filter((e) => e.at < killedAt).length).toBeGreaterThanOrEqual(2);
  expect(session.filter((e) => e.at >= killedAt).length).toBeGreaterThanOrEqual(1);
  // The audit keeps pseudonyms, never the address itself.
  expect(session.map((e) => e.content).join('\n')).not.toContain('Baker Street');
  // Three turns and two CLI runs: 50–85 s measured on the 2-core machine under a load average of 20–25.
}, 240_000);
