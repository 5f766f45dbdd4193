import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderConnector } from '../../../src/contracts/order-connector.ts';
import { extractEntities } from '../../../src/dialogue/entities/extract-entities.ts';
import type { FlowContext, Lang, Slots } from '../../../src/dialogue/flow-types.ts';
import { askForOrder, correctOrder, resolveOrder } from '../../../src/dialogue/order-resolver.ts';
import { followsUpOnAnOrder } from '../../../src/dialogue/order-reference/follows-up-on-an-order.ts';
import type { OrderMemory } from '../../../src/dialogue/order-reference/order-memory.ts';
import { createHttpOrderConnector } from '../../../src/orders/create-http-order-connector.ts';
import { createDemoOrderSystem, type DemoOrderSystem } from '../../../src/orders/demo-order-system.ts';
import { EXTERNAL_USER, startExternalOrderSystem, type ExternalOrderSystem } from '../../support/external-order-system.ts';
import { DEMO_NOW } from '../../support/start-test-server.ts';

/**
 * The order resolver against real order systems: the demo one (KF ids) in process, and an
 * independent shop system over HTTP with ids in another format. Each case names the same kind
 * of reference in both, through a fixture per system.
 */
interface Fixture {
  name: string;
  user: string;
  /** An order of `user` that is not the newest, its id written loosely, its item, its carrier's number. */
  target: string;
  loose: string;
  item: string;
  tracking: string;
  tail: string;
  /** The last digits alone, with no keyword. */
  bareTail: string;
  /** A follow-up naming the newest order by its item. */
  followUp: string;
  /** An order of another customer. */
  foreign: string;
  /** `user`'s orders newest first (first two). */
  newest: [string, string];
  connect(): Promise<{ orders: OrderConnector; listCalls(): number; close(): Promise<void> }>;
}

const fixtures: Fixture[] = [
  {
    name: 'demo order system (KF ids)',
    user: 'u1002',
    target: 'KF20261116012',
    loose: 'kf 2026-1116-012',
    item: '滤网那单',
    tracking: '75309184726350',
    tail: '尾号012的订单',
    bareTail: '订单012到哪了',
    followUp: '那个电视呢',
    foreign: 'KF20261123010',
    newest: ['KF20261124011', 'KF20261116012'],
    async connect() {
      const system: DemoOrderSystem = createDemoOrderSystem({ path: ':memory:', now: () => DEMO_NOW });
      let calls = 0;
      // Counts list calls; everything else goes straight to the demo system.
      const orders: OrderConnector = {
        getOrder: (id, o) => system.getOrder(id, o),
        listOrders: (u, o) => {
          calls += 1;
          return system.listOrders(u, o);
        },
        createReturn: (id, r, k, o) => system.createReturn(id, r, k, o),
        changeAddress: (id, a, k, o) => system.changeAddress(id, a, k, o),
        cancelOrder: (id, k, o) => system.cancelOrder(id, k, o),
      };
      return { orders, listCalls: () => calls, close: () => system.close() };
    },
  },
  {
    name: 'external shop system over HTTP (SO ids)',
    user: EXTERNAL_USER,
    target: 'SO7X2K9M4P1Q0003',
    loose: 'so7x 2k9m-4p1q.0003',
    item: '保温杯那单',
    tracking: '773201948812345',
    tail: '尾号0003的订单',
    bareTail: '订单0003到哪了',
    followUp: '那个水壶呢',
    foreign: 'SO1C5E9G3K7M0042',
    newest: ['SO9B3D5F7H1J0021', 'SO7X2K9M4P1Q0003'],
    async connect() {
      const shop: ExternalOrderSystem = await startExternalOrderSystem({ now: () => DEMO_NOW });
      return {
        orders: createHttpOrderConnector({ baseUrl: shop.url }),
        listCalls: () => shop.requests.filter((r) => r.startsWith('GET /orders?')).length,
        close: () => shop.close(),
      };
    },
  },
];

describe.each(fixtures)('order resolver — $name', (f) => {
  let system: Awaited<ReturnType<Fixture['connect']>>;
  beforeAll(async () => {
    system = await f.connect();
  });
  afterAll(async () => {
    await system.close();
  });

  const ctx = (text: string, options: { memory?: OrderMemory; lang?: Lang; userId?: string | null } = {}): FlowContext => {
    const now = new Date(DEMO_NOW);
    const entities = extractEntities(text, { now, timeZone: 'Asia/Shanghai' });
    return {
      lang: options.lang ?? 'zh',
      text,
      nlu: { intent: 'order_status', confidence: 0.9, entities, emotion: { label: 'neutral', intensity: 0 }, lang: options.lang ?? 'zh', source: 'test' },
      sessionId: 's1',
      userId: options.userId === undefined ? f.user : options.userId,
      now,
      timeZone: 'Asia/Shanghai',
      orders: system.orders,
      requestTicket: async () => {},
      reveal: (t) => t,
      orderMemory: options.memory ?? { focusOrderId: null, shownOrderIds: [] },
    };
  };
  const resolved = async (text: string, slots: Slots = {}, options: Parameters<typeof ctx>[1] = {}): Promise<string | null> => {
    const r = await resolveOrder(ctx(text, options), slots);
    return r?.kind === 'filled' ? ((r.slots['order'] as { order_id: string }).order_id) : r === null ? null : `reply: ${r.text}`;
  };

  it('finds an id however it is written: bare, spaced, lower case, with punctuation', async () => {
    expect(await resolved(f.target)).toBe(f.target);
    expect(await resolved(f.loose)).toBe(f.target);
    expect(await resolved(`我的订单号是 ${f.target.toLowerCase()} 到哪了`)).toBe(f.target);
  });

  it('finds an order by its tracking number and by its last digits', async () => {
    expect(await resolved(`${f.tracking} 到哪了`)).toBe(f.target);
    expect(await resolved(`${f.tail}到哪了`)).toBe(f.target);
    expect(await resolved('尾号98765的订单')).toMatch(/^reply: 您的账户下没有尾号为 98765 的订单/);
    expect(await resolved(f.bareTail)).toBe(f.target);
  });

  it('finds an order by the item the order system lists', async () => {
    expect(await resolved(f.item)).toBe(f.target);
  });

  it("never shows or picks another customer's order: 'not found on your account'", async () => {
    const zh = await resolved(`帮我查下订单 ${f.foreign} 到哪了`);
    expect(zh).toMatch(/^reply: 您的账户下没有找到订单/);
    for (const id of [...f.newest, f.target]) expect(zh).not.toContain(id);
    const en = await resolveOrder(ctx(`cancel order ${f.foreign.toLowerCase()}`, { lang: 'en' }), {});
    expect(en).toMatchObject({ kind: 'reply', text: expect.stringMatching(/couldn't find order .* on your account/) });
    // Right after a list too: the id is not taken for a pick from it.
    expect(await resolved(f.foreign, { candidates: f.newest })).toMatch(/^reply: 您的账户下没有找到订单/);
  });

  it('ordinals count in the list shown, else newest first when said as a reference', async () => {
    expect(await resolved('第二个', { candidates: [...f.newest].reverse() })).toBe(f.newest[0]);
    expect(await resolved('第二个订单到哪了')).toBe(f.newest[1]);
    expect(await resolved('where is my last order?', {}, { lang: 'en' })).toBe(f.newest[0]);
    expect(await resolved('最新的订单发货了吗')).toBe(f.newest[0]);
    expect(await resolved('the second one', {}, { lang: 'en', memory: { focusOrderId: null, shownOrderIds: [...f.newest].reverse() } })).toBe(f.newest[0]);
    expect(await resolved('第九个', { candidates: f.newest })).toMatch(/^reply: 请回复 1 到 2/);
  });

  it('the order in focus answers "那单", "那现在到哪了" and "it", and resolving moves the focus', async () => {
    const memory: OrderMemory = { focusOrderId: f.target, shownOrderIds: [] };
    expect(await resolved('那现在到哪了', {}, { memory })).toBe(f.target);
    expect(await resolved('has it shipped yet?', {}, { memory, lang: 'en' })).toBe(f.target);
    expect(await resolved('那单呢', {}, { memory })).toBe(f.target);
    // Without a word pointing at it, the focus is not assumed.
    expect(await resolved('我的订单到哪了', {}, { memory })).toBeNull();
    await resolved(f.newest[0], {}, { memory });
    expect(memory.focusOrderId).toBe(f.newest[0]);
  });

  it('with nothing said, the only order the flow can act on is taken, even after an earlier list', async () => {
    const memory: OrderMemory = { focusOrderId: null, shownOrderIds: [f.target] };
    const paidOnly = { eligible: (o: { status: string }) => o.status === 'paid' };
    const picked = await resolveOrder(ctx('我要取消订单', { memory }), {}, paidOnly);
    expect(picked).toMatchObject({ kind: 'filled', slots: { order: { order_id: f.newest[0] } } });
    // Once the step has shown its own list, nothing is picked for the customer.
    expect(await resolveOrder(ctx('嗯', { memory }), { candidates: [f.newest[0]] }, paidOnly)).toBeNull();
  });

  it('a short follow-up naming another of their orders is about that order; a product question is not', async () => {
    const memory: OrderMemory = { focusOrderId: f.target, shownOrderIds: [] };
    expect(await followsUpOnAnOrder(ctx(f.followUp, { memory }))).toBe(true);
    expect(await resolved(f.followUp, {}, { memory })).toBe(f.newest[0]);
    expect(await followsUpOnAnOrder(ctx(`你们有没有卖${f.followUp.slice(2)}`, { memory }))).toBe(false);
    expect(await followsUpOnAnOrder(ctx(f.followUp, { memory: { focusOrderId: null, shownOrderIds: [] } }))).toBe(false);
  });

  it('asks with the list and remembers it; the orders are fetched once per turn', async () => {
    const memory: OrderMemory = { focusOrderId: null, shownOrderIds: [] };
    const turn = ctx('我的订单到哪了', { memory });
    const before = system.listCalls();
    expect(await resolveOrder(turn, {})).toBeNull();
    const asked = await askForOrder(turn, {});
    expect(system.listCalls() - before).toBe(1);
    expect(asked.text).toContain(f.newest[0]);
    expect(memory.shownOrderIds.slice(0, 2)).toEqual(f.newest);
  });

  it('a correction names another order of theirs, never someone else\'s', async () => {
    const current = (await resolveOrder(ctx(f.newest[0]), {}))!;
    expect(current.kind).toBe('filled');
    const slots = current.kind === 'filled' ? current.slots : {};
    expect(await correctOrder(ctx(`不对,是 ${f.loose}`), slots)).toMatchObject({ order: { order_id: f.target } });
    expect(await correctOrder(ctx(`不对,是 ${f.foreign}`), slots)).toEqual({ order: undefined, candidates: undefined });
    expect(await correctOrder(ctx('不是这个地址'), slots)).toBeNull();
  });

  it('an anonymous customer may ask by number, in any spelling', async () => {
    expect(await resolved(f.loose, {}, { userId: null })).toBe(f.target);
    expect(await resolved('ZZ99887766554433', {}, { userId: null })).toMatch(/^reply: 没有找到订单 ZZ99887766554433/);
  });
});
