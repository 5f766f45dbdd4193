import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDialogueScripts } from '../../src/dialogue/scripts/dialogue-script.ts';
import { formatResults, runDialogueScript } from '../../src/dialogue/scripts/run-dialogue-script.ts';
import { startDemoOrderServer, type RunningDemoOrderServer } from '../../src/orders/start-demo-order-server.ts';
import { DEMO_NOW, startTestServer, type TestServer } from '../support/start-test-server.ts';

/**
 * The shipped dialogue scripts, played through the public HTTP API: once against the built-in
 * demo order system, once against an order system on another port reached over HTTP
 * (KEFU_ORDERS_URL). Retrieval-only (KEFU_LLM=none), clock pinned to the demo seeding time.
 */
const scripts = loadDialogueScripts([path.dirname(new URL(import.meta.url).pathname)]);
const now = () => DEMO_NOW;

describe.each(['built-in demo order system', 'external order system over HTTP'])('dialogue scripts — %s', (variant) => {
  let server: TestServer;
  let orders: RunningDemoOrderServer | null = null;
  let ordersDir: string | null = null;

  beforeAll(async () => {
    if (variant.startsWith('external')) {
      ordersDir = mkdtempSync(path.join(tmpdir(), 'kefu-orders-'));
      orders = await startDemoOrderServer({ path: path.join(ordersDir, 'orders.db'), now });
    }
    server = await startTestServer(orders === null ? {} : { KEFU_ORDERS_URL: orders.url }, undefined, { now });
  });
  afterAll(async () => {
    await server?.destroy();
    await orders?.close();
    if (ordersDir !== null) rmSync(ordersDir, { recursive: true, force: true });
  });

  it.each(scripts.map((s) => [s.name, s] as const))('%s', async (_name, script) => {
    const result = await runDialogueScript(script, { baseUrl: server.url });
    expect(result.passed, formatResults([result])).toBe(true);
  });
});
