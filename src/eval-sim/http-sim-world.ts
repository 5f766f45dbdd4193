import type { Order } from '../contracts/order-connector.ts';
import { KefuError } from '../errors.ts';
import { fitsGoal, goalNeedsOrder } from './goal-orders.ts';
import { startRecordingOrderProxy } from './recording-order-proxy.ts';
import type { OrderFacts, SimCase, SimWorld, WorldSnapshot } from './sim-types.ts';

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new KefuError('order_system_unavailable', `GET ${url} answered HTTP ${res.status}`);
  return res.json();
}

/**
 * An external order system (KEFU_ORDERS_URL / --orders-url): the customers are the given user
 * ids with the orders it lists. Kefu reaches it through a recording proxy; statuses are read
 * from the system, returns and addresses from the writes it accepted. Its orders are real state:
 * a write made in one conversation stays, so later goals pick among the orders still fit.
 */
export async function createHttpSimWorld(options: { url: string; userIds: readonly string[] }): Promise<SimWorld & { readonly kefuOrdersUrl: string }> {
  const base = options.url.replace(/\/+$/, '');
  const proxy = await startRecordingOrderProxy(base);
  const listOrders = async (userId: string): Promise<Order[]> => ((await getJson(`${base}/orders?user_id=${encodeURIComponent(userId)}`)) as { orders: Order[] }).orders;
  return {
    name: `external order system at ${base}`,
    kefuOrdersUrl: proxy.url,
    now: Date.now,
    async prepare(kind, rng) {
      for (const userId of rng.shuffle(options.userIds)) {
        const orders = await listOrders(userId);
        if (!goalNeedsOrder(kind)) return { userId, orders, target: null };
        const fit = orders.filter((o) => fitsGoal(kind, o, Date.now()) === true);
        if (fit.length > 0) return { userId, orders, target: rng.pick(fit) } satisfies SimCase;
      }
      return null;
    },
    async snapshot(c) {
      const facts = new Map<string, OrderFacts>();
      for (const o of await listOrders(c.userId)) facts.set(o.order_id, { status: o.status, address: null, returns: [] });
      for (const w of proxy.writes) {
        const f = facts.get(w.orderId);
        if (f === undefined) continue;
        if (w.route === 'address') f.address = String(w.body['address'] ?? '');
        if (w.route === 'returns') f.returns.push({ type: w.body['type'] === 'exchange' ? 'exchange' : 'refund', reason: String(w.body['reason'] ?? '') });
      }
      return facts as WorldSnapshot;
    },
    close: () => proxy.close(),
  };
}
