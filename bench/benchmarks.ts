// The benchmarks of the suite: what `npm run bench` runs and test/bench/smoke.test.ts checks.
// Each is a script of its own (`file`, run with tsx); `figures` are the names it must print.
import { FIGURE_NAMES as API_FLOOD_FIGURES } from './api-flood/figures';
import { FIGURE_NAMES as DEMAND_LAUNCH_FIGURES } from './demand-launch/figures';
import { FIGURE_NAMES as API_HOT_PATH_FIGURES } from './api-hot-path/figures';
import { FIGURE_NAMES as INVENTORY_PASS_FIGURES } from './inventory-pass/figures';
import { FIGURE_NAMES as LAUNCH_PLANNER_FIGURES } from './launch-planner/figures';
import { FIGURE_NAMES as LOOP_SCALE_FIGURES } from './loop-scale/figures';

export interface Benchmark {
  name: string;
  /** Relative to bench/. */
  file: string;
  /** One line: what the benchmark measures (also in README.md). */
  measures: string;
  figures: readonly string[];
}

export const BENCHMARKS: readonly Benchmark[] = [
  {
    name: 'api-flood',
    file: 'api-flood.ts',
    measures: 'ping latency, throughput, errors and API memory while 4 clients send the largest accepted '
      + 'worker type definitions and fetch their launch specs',
    figures: API_FLOOD_FIGURES,
  },
  {
    name: 'launch-planner',
    file: 'launch-planner.ts',
    measures: 'price per utility unit and coverage of what one iteration launches against the exact optimum, '
      + 'for the planner, first-fit and the original\'s random pick; the planner\'s time per call',
    figures: LAUNCH_PLANNER_FIGURES,
  },
  {
    name: 'inventory-pass',
    file: 'inventory-pass.ts',
    measures: 'statements, rows written and database time of one region inventory pass at 100, 1,000 and 10,000 instances',
    figures: INVENTORY_PASS_FIGURES,
  },
  {
    name: 'demand-launch',
    file: 'demand-launch.ts',
    measures: 'time from Queue demand to the first RunInstances with Pulse task-pending wake-ups, against the poll alone at ITERATION_INTERVAL 30 s',
    figures: DEMAND_LAUNCH_FIGURES,
  },
  {
    name: 'api-hot-path',
    file: 'api-hot-path.ts',
    measures: 'API CPU per request and throughput for getting one of 1,000 worker types, listing them and a signed '
      + 'createSecret, against a bare Koa + pg server doing the same SQL',
    figures: API_HOT_PATH_FIGURES,
  },
  {
    name: 'loop-scale',
    file: 'loop-scale.ts',
    measures: 'iteration gaps, skipped loops and the CPU share of one worker and of Temporal with 1,000 idle worker types '
      + 'at the default 30 s interval',
    figures: LOOP_SCALE_FIGURES,
  },
];
