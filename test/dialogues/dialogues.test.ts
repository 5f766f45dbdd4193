import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDialogueScripts } from '../../src/dialogue/scripts/dialogue-script.ts';
import { formatResults, runDialogueScript } from '../../src/dialogue/scripts/run-dialogue-script.ts';
import { startDemoOrderServer, type RunningDemoOrderServer } from '../../src/orders/start-demo-order-server.ts';
import { startExternalOrderSystem, type ExternalOrderSystem } from '../support/external-order-system.ts';
import { DEMO_NOW, startTestServer, type TestServer } from '../support/start-test-server.ts';

/**
 * The shipped dialogue scripts, played through the public HTTP API: once against the built-in
 * demo order system, once against the demo order system on another port reached over HTTP
 * (KEFU_ORDERS_URL). Scripts marked `orders: external` (test/dialogues/external-orders/) are
 * played against an independent shop system with ids in another format, once as Kefu learns the
 * ids from the customer's orders and once with the shop's format in KEFU_ORDER_ID_PATTERN.
 * Retrieval-only (KEFU_LLM=none), clock pinned to the demo seeding time.
 */
const here = path.dirname(new URL(import.meta.url).pathname);
const scripts = loadDialogueScripts([here, path.join(here, 'external-orders')]);
const now = () => DEMO_NOW;

type Variant = 'built-in demo order system' | 'demo order system over HTTP' | 'external shop system over HTTP' | 'external shop system with KEFU_ORDER_ID_PATTERN';
const VARIANTS: Variant[] = ['built-in demo order system', 'demo order system over HTTP', 'external shop system over HTTP', 'external shop system with KEFU_ORDER_ID_PATTERN'];

describe.each(VARIANTS)('dialogue scripts — %s', (variant) => {
  const external = variant.startsWith('external');
  const played = scripts.filter((s) => (s.orders ?? 'demo') === (external ? 'external' : 'demo'));
  let server: TestServer;
  let orders: RunningDemoOrderServer | null = null;
  let shop: ExternalOrderSystem | null = null;
  let ordersDir: string | null = null;

  beforeAll(async () => {
    // Many scripts from one client within a minute: the per-client rate limit is not under test here.
    const env: Record<string, string> = { KEFU_RATE_LIMIT_PER_MINUTE: '100000' };
    if (variant === 'demo order system over HTTP') {
      ordersDir = mkdtempSync(path.join(tmpdir(), 'kefu-orders-'));
      orders = await startDemoOrderServer({ path: path.join(ordersDir, 'orders.db'), now });
      env['KEFU_ORDERS_URL'] = orders.url;
    } else if (external) {
      shop = await startExternalOrderSystem({ now });
      env['KEFU_ORDERS_URL'] = shop.url;
      if (variant.endsWith('PATTERN')) env['KEFU_ORDER_ID_PATTERN'] = 'SO[0-9A-Z]{14}';
    }
    server = await startTestServer(env, undefined, { now });
  });
  afterAll(async () => {
    await server?.destroy();
    await orders?.close();
    await shop?.close();
    if (ordersDir !== null) rmSync(ordersDir, { recursive: true, force: true });
  });

  it.each(played.map((s) => [s.name, s] as const))('%s', async (_name, script) => {
    const result = await runDialogueScript(script, { baseUrl: server.url });
    expect(result.passed, formatResults([result])).toBe(true);
  });
});
