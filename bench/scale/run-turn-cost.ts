import { benchWorkers } from '../workers.ts';
import { benchTurnCost, headCommit } from './turn-cost.ts';
import { markdown, writeTurnCost } from './turn-cost-report.ts';

/**
 * `npm run bench:scale`: server CPU per turn beside the reference servers (bench/scale/turn-cost.ts),
 * then cache-hit replies/s with one and two workers (bench/workers.ts), written to BENCHMARKS.md
 * (section scale-cost) and docs/scale-cost.svg. `--print` only prints; `--no-workers` skips the
 * workers figure. BENCH_SECONDS sets the length of each measured autocannon run (default 8).
 */
// The commit the servers started from (others may commit while this runs).
const commit = headCommit();
const report = await benchTurnCost();
const workers = process.argv.includes('--no-workers') ? null : await benchWorkers({ seconds: report.seconds, repetitions: 3 });
if (!process.argv.includes('--print')) writeTurnCost(report, commit, workers);
console.log(markdown(report, commit, workers));
