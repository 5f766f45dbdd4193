import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { writeBenchSection } from '../../bench/write-section.ts';
import { PROJECT_ROOT } from '../config/load-config.ts';
import { badRequest } from '../errors.ts';
import { createDemoSimWorld } from './demo-sim-world.ts';
import { createHttpSimWorld } from './http-sim-world.ts';
import { createKefuSimBot } from './kefu-sim-bot.ts';
import { runSimulation, type SimReport } from './run-simulation.ts';
import { consoleSummary, jsonReport, markdownSection, svgChart } from './simulation-report.ts';
import { GOAL_KINDS, type GoalKind, type SimWorld } from './sim-types.ts';

const CHART = path.join(PROJECT_ROOT, 'docs', 'simulate.svg');

const int = (name: string, min: number, max: number) => (v: string): number => {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
  return n;
};

interface Opts {
  conversations: number;
  seed: number;
  ordersUrl?: string;
  userIds?: string;
  goals?: string;
  json?: boolean;
  write?: boolean;
}

/**
 * Plays goal-driven simulated customers against Kefu in-process and the demo order system (or an
 * external one) and judges them from the outside. Options are checked before anything starts.
 */
export async function simulate(opts: Opts, env: NodeJS.ProcessEnv = process.env, progress = true): Promise<SimReport> {
  const ordersUrl = opts.ordersUrl ?? env['KEFU_ORDERS_URL'];
  if (ordersUrl !== undefined && !/^https?:\/\//i.test(ordersUrl)) throw badRequest('invalid_option', `--orders-url must be an http(s) URL: ${ordersUrl}`);
  if (ordersUrl !== undefined && !URL.canParse(ordersUrl)) throw badRequest('invalid_option', `--orders-url is not a URL: ${ordersUrl}`);
  const userIds = (opts.userIds ?? env['KEFU_SIM_USER_IDS'] ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (ordersUrl !== undefined && userIds.length === 0) throw badRequest('invalid_option', 'an external order system needs the customers to play: pass --user-ids id1,id2 (or set KEFU_SIM_USER_IDS)');
  if (ordersUrl === undefined && opts.userIds !== undefined) throw badRequest('invalid_option', '--user-ids only applies with --orders-url (the demo order system gets fresh customers)');

  const goals = opts.goals === undefined ? [...GOAL_KINDS] : opts.goals.split(',').map((g) => g.trim()).filter((g) => g.length > 0);
  const unknown = goals.filter((g) => !(GOAL_KINDS as readonly string[]).includes(g));
  if (unknown.length > 0 || goals.length === 0) throw badRequest('invalid_option', `--goals takes a comma-separated list of ${GOAL_KINDS.join(', ')}${unknown.length > 0 ? `; unknown: ${unknown.join(', ')}` : ''}`);

  const dir = mkdtempSync(path.join(tmpdir(), 'kefu-simulate-'));
  let world: SimWorld | null = null;
  const bar = new SingleBar({ format: 'simulate [{bar}] {value}/{total} conversations | resolved so far {resolved}', stream: process.stderr, noTTYOutput: false }, Presets.shades_classic);
  let started = false;
  try {
    let kefuOrdersUrl: string | null = null;
    if (ordersUrl === undefined) world = createDemoSimWorld({ path: path.join(dir, 'demo-orders.db'), seed: opts.seed });
    else {
      const http = await createHttpSimWorld({ url: ordersUrl, userIds });
      world = http;
      kefuOrdersUrl = http.kefuOrdersUrl;
    }
    const bot = await createKefuSimBot({ env, dataDir: dir, ordersUrl: kefuOrdersUrl, now: world.now });
    try {
      return await runSimulation({
        bot,
        world,
        conversations: opts.conversations,
        seed: opts.seed,
        goals: goals as GoalKind[],
        onProgress: (done, total, resolved) => {
          if (!progress) return;
          if (!started) {
            bar.start(total, 0, { resolved: 0 });
            started = true;
          }
          bar.update(done, { resolved });
        },
      });
    } finally {
      if (started) bar.stop();
      await bot.close();
    }
  } finally {
    await world?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The code the run measured: Kefu changes between runs, so the section says which commit it was. */
function headCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: PROJECT_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    return null;
  }
}

export function simulateCommand(): Command {
  return new Command('simulate')
    .description('play goal-driven simulated customers (returns, exchanges, order status, address change, cancel, invoice, questions, human requests, complaints) against Kefu and report resolution, transfer, turns and wrong writes')
    .option('--conversations <n>', 'how many conversations (every goal equally often)', int('--conversations', 1, 100_000), 500)
    .option('--seed <n>', 'seed for customers, orders and phrasings', int('--seed', 0, 2 ** 31), 1)
    .option('--orders-url <url>', 'an external order system (default: KEFU_ORDERS_URL, else the demo order system with fresh customers)')
    .option('--user-ids <ids>', 'with an external order system: the customers to play, comma-separated (or KEFU_SIM_USER_IDS)')
    .option('--goals <list>', `only these goals, comma-separated (default all: ${GOAL_KINDS.join(',')})`)
    .option('--json', 'print the full report, every transcript included, as JSON')
    .option('--write', 'update BENCHMARKS.md (section simulate) and docs/simulate.svg')
    .action(async (opts: Opts) => {
      if (opts.write === true && opts.goals !== undefined) throw badRequest('invalid_option', '--write records a run over all goals: drop --goals');
      const report = await simulate(opts);
      process.stdout.write(opts.json === true ? jsonReport(report) : `${consoleSummary(report)}\n`);
      if (opts.write === true) {
        mkdirSync(path.dirname(CHART), { recursive: true });
        writeFileSync(CHART, svgChart(report));
        writeBenchSection('simulate', markdownSection(report, 'docs/simulate.svg', { commit: headCommit(), time: new Date().toISOString().slice(0, 16).replace('T', ' ') }));
        process.stderr.write(`wrote BENCHMARKS.md (section simulate) and ${path.relative(PROJECT_ROOT, CHART)}\n`);
      }
    });
}
