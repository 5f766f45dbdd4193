import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoSimWorld } from '../../src/eval-sim/demo-sim-world.ts';
import { createKefuSimBot } from '../../src/eval-sim/kefu-sim-bot.ts';
import { runSimulation, type SimReport } from '../../src/eval-sim/run-simulation.ts';
import { simulate } from '../../src/eval-sim/simulate-command.ts';
import { GOAL_KINDS, type SimBot } from '../../src/eval-sim/sim-types.ts';
import { startDemoOrderServer } from '../../src/orders/start-demo-order-server.ts';
import { EXTERNAL_USER, OTHER_EXTERNAL_USER, startExternalOrderSystem } from '../support/external-order-system.ts';

const run = promisify(execFile);
const BIN = path.resolve('bin/kefu.js');
// The demo order system, whatever the shell running the tests points at.
const ENV: NodeJS.ProcessEnv = Object.fromEntries(Object.entries({ ...process.env, KEFU_LOG_LEVEL: 'silent' }).filter(([k]) => k !== 'KEFU_ORDERS_URL'));

function expectShape(r: SimReport, n: number): void {
  expect(r.conversations).toBe(n);
  expect(r.byGoal.map((g) => g.goal)).toEqual([...GOAL_KINDS]);
  expect(r.byGoal.reduce((s, g) => s + g.n, 0)).toBe(n);
  for (const x of [r.resolutionRate, r.transferRate, r.anyHandoffRate]) {
    expect(x).toBeGreaterThanOrEqual(0);
    expect(x).toBeLessThanOrEqual(1);
  }
  expect(r.meanTurns).toBeGreaterThanOrEqual(1);
  expect(r.details).toHaveLength(n);
  for (const d of r.details) {
    expect(d.turns.length).toBeGreaterThanOrEqual(1);
    expect(d.verdict.turns).toBe(d.turns.length);
    // A resolved write goal has its write on the target order, seen in the order system.
    if (d.verdict.resolved && ['return', 'exchange', 'address_change', 'cancel'].includes(d.goal.kind))
      expect(d.turns.flatMap((t) => t.writes).some((w) => w.orderId === d.targetOrder)).toBe(true);
  }
}

/** Kefu and a fresh demo world, the bot wrapped by `wrap` at the chat boundary. */
async function simulateWith(wrap: (bot: SimBot) => SimBot, conversations: number, seed: number): Promise<SimReport> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kefu-sim-test-'));
  const world = createDemoSimWorld({ path: path.join(dir, 'demo-orders.db'), seed });
  const bot = await createKefuSimBot({ env: ENV, dataDir: dir, ordersUrl: null, now: world.now });
  try {
    return await runSimulation({ bot: wrap(bot), world, conversations, seed });
  } finally {
    await bot.close();
    await world.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('kefu eval simulate', () => {
  it('runs from the CLI against the demo order system and prints a JSON report', async () => {
    const { stdout } = await run(process.execPath, [BIN, 'eval', 'simulate', '--conversations', '20', '--seed', '3', '--json'], { env: ENV, timeout: 120_000 });
    const report = JSON.parse(stdout) as SimReport;
    expectShape(report, 20);
    expect(report.byGoal.every((g) => g.n === 2)).toBe(true);
    expect(report.wrongWrites).toBe(0);
    // Goals Kefu handles today: most conversations end where the customer wanted.
    expect(report.resolutionRate).toBeGreaterThan(0.4);
  }, 150_000);

  it('rejects bad flags with a message and a non-zero exit', async () => {
    for (const [args, message] of [
      [['--conversations', '0'], /--conversations must be a whole number/],
      [['--seed', 'abc'], /--seed must be a whole number/],
      [['--orders-url', 'not a url', '--user-ids', 'u1'], /--orders-url must be an http\(s\) URL/],
      [['--user-ids', 'u1'], /--user-ids only applies with --orders-url/],
      [['--orders-url', 'http://127.0.0.1:9'], /needs the customers to play/],
    ] as const) {
      const err = (await run(process.execPath, [BIN, 'eval', 'simulate', ...args], { env: ENV, timeout: 60_000 }).then(() => null, (e: unknown) => e)) as { code: number; stderr: string } | null;
      expect(err, args.join(' ')).not.toBeNull();
      expect(err!.code).not.toBe(0);
      expect(err!.stderr).toMatch(message);
    }
  }, 150_000);

  it('scores a bot that never confirms, and one that writes unconfirmed, differently from Kefu', async () => {
    const honest = await simulateWith((b) => b, 30, 5);
    // Never confirms: whatever the customer says at the confirm step, the bot hears "cancel".
    const neverConfirms = await simulateWith((b) => {
      let asked = false;
      return {
        ...b,
        async turn(req) {
          const reply = await b.turn(asked ? { ...req, message: '取消' } : req);
          asked = reply.flow?.step === 'confirm';
          return reply;
        },
      };
    }, 30, 5);
    // Writes without asking: the moment Kefu asks for confirmation, the bot says yes itself.
    const unconfirmed = await simulateWith((b) => ({
      ...b,
      async turn(req) {
        const reply = await b.turn(req);
        return reply.flow?.step === 'confirm' ? b.turn({ ...req, message: '确认', sessionId: reply.session_id }) : reply;
      },
    }), 30, 5);
    for (const r of [honest, neverConfirms, unconfirmed]) expectShape(r, 30);

    const writeGoals = (r: SimReport) => r.byGoal.filter((g) => ['return', 'exchange', 'address_change', 'cancel'].includes(g.goal)).reduce((s, g) => s + g.resolved, 0);
    expect(writeGoals(honest)).toBeGreaterThan(0);
    expect(writeGoals(neverConfirms)).toBe(0);
    expect(neverConfirms.resolutionRate).toBeLessThan(honest.resolutionRate);
    expect(honest.wrongWrites).toBe(0);
    expect(unconfirmed.wrongWritesByKind['unconfirmed'] ?? 0).toBeGreaterThan(0);
    expect(unconfirmed.resolutionRate).toBeLessThan(honest.resolutionRate);

    // A bot that fails now and then: those conversations are failures, the run goes on.
    let calls = 0;
    const flaky = await simulateWith((b) => ({
      ...b,
      async turn(req) {
        if (++calls % 4 === 0) throw new Error('boom');
        return b.turn(req);
      },
    }), 10, 5);
    expect(flaky.conversations).toBe(10);
    const errored = flaky.details.filter((d) => d.error === 'boom');
    expect(errored.length).toBeGreaterThan(0);
    for (const d of errored) expect(d.verdict.resolved === false ? d.verdict.failure : 'bot_error').toBe('bot_error');
  }, 240_000);

  describe.each([
    { name: 'the demo order system on another port', users: ['demo-user', 'u1001', 'u1002', 'u1003'], idFormat: /^KF\d{11}$/ },
    { name: 'a shop system with its own ids (SO…) and users', users: [EXTERNAL_USER, OTHER_EXTERNAL_USER], idFormat: /^SO[0-9A-Z]{14}$/ },
  ])('against $name over HTTP', ({ name, users, idFormat }) => {
    let orders: { url: string; close(): Promise<void> };
    let dir: string;
    beforeAll(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'kefu-sim-external-'));
      orders = name.startsWith('the demo') ? await startDemoOrderServer({ path: path.join(dir, 'orders.db') }) : await startExternalOrderSystem({ now: Date.now });
    });
    afterAll(async () => {
      await orders?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('plays the given customers with the orders the system lists, and sees the writes through the proxy', async () => {
      const report = await simulate({ conversations: 20, seed: 2, ordersUrl: orders.url, userIds: users.join(',') }, ENV, false);
      expect(report.world).toContain(orders.url);
      const played = report.conversations;
      const skipped = report.skipped.reduce((s, x) => s + x.n, 0);
      expect(played + skipped).toBe(20);
      expect(played).toBeGreaterThan(10);
      expect(report.details.every((d) => users.includes(d.userId))).toBe(true);
      expect(report.details.every((d) => d.targetOrder === null || idFormat.test(d.targetOrder))).toBe(true);
      expect(report.wrongWrites).toBe(0);
      const writes = report.details.flatMap((d) => d.turns.flatMap((t) => t.writes));
      expect(writes.length).toBeGreaterThan(0);
      for (const c of report.details.filter((d) => d.goal.kind === 'cancel' && d.verdict.resolved)) expect(c.turns.flatMap((t) => t.writes)).toContainEqual({ kind: 'cancel', orderId: c.targetOrder });
    }, 120_000);
  });
});
