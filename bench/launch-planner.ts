// Benchmark launch-planner ("The planner fills the need exactly"): over random realistic
// instances (launch-planner/instances.ts), the hourly price per utility unit of what one
// iteration launches divided by the exact optimum under the same constraints (computed
// independently, launch-planner/reference.ts), for this planner, the first-fit choice of
// earlier versions and the original provisioner's random pick; the share of the need each
// covers; and the planner's time per call against first-fit's. See README.md.
import { selectLaunches, selectLaunchesFirstFit, type Offering } from '../src/domain/offerings';
import { CHOOSERS, FIGURES, type Chooser } from './launch-planner/figures';
import { randomInstance, seeded, type Instance } from './launch-planner/instances';
import { exactOptimum, originalChoice, type Optimum } from './launch-planner/reference';
import { SMOKE } from './support/options';
import { figure, note, ratio } from './support/report';
import { percentile } from './support/stats';

const INSTANCES = SMOKE ? 6 : 300;
const TIMING_REPEATS = SMOKE ? 2 : 20;
const SEED = 12;

interface Outcome { priceRatios: number[]; coverage: number[]; full: number }

const total = (launches: readonly Offering[], f: (o: Offering) => number) => launches.reduce((s, o) => s + f(o), 0);
const priceRatio = (launches: readonly Offering[]) => total(launches, (o) => o.price) / total(launches, (o) => o.utility);

function choose(chooser: Chooser, inst: Instance, rnd: () => number): Offering[] {
  if (chooser === 'planner') return selectLaunches(inst.ranked, inst.need, inst.room, inst.limits).launches;
  if (chooser === 'first-fit') return selectLaunchesFirstFit(inst.ranked, inst.need, inst.room, inst.limits).launches;
  return originalChoice(inst, rnd);
}

/** Milliseconds per call of `select` on each instance, the mean of `TIMING_REPEATS` calls. */
function timePerCall(instances: readonly Instance[], select: typeof selectLaunches): number[] {
  return instances.map((i) => {
    const start = process.hrtime.bigint();
    for (let r = 0; r < TIMING_REPEATS; r++) select(i.ranked, i.need, i.room, i.limits);
    return Number(process.hrtime.bigint() - start) / 1e6 / TIMING_REPEATS;
  });
}

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

function printOutcomes(outcomes: Record<Chooser, Outcome>, n: number, coverable: number): void {
  for (const c of CHOOSERS) {
    const r = outcomes[c].priceRatios;
    figure(FIGURES.priceP50(c), percentile(r, 50).toFixed(3), `${r.length} iterations that launched something; max ${Math.max(...r).toFixed(3)}`);
    figure(FIGURES.priceP95(c), percentile(r, 95).toFixed(3));
  }
  for (const c of CHOOSERS) {
    const cov = outcomes[c].coverage;
    figure(FIGURES.coverage(c), mean(cov).toFixed(3), `mean share of the need launched; whole need in ${outcomes[c].full} of ${n} iterations, ${coverable} allowed it`);
  }
}

function main(): void {
  const rnd = seeded(SEED);
  const instances = Array.from({ length: INSTANCES }, () => randomInstance(rnd));
  const optima = instances.map(exactOptimum);
  const outcomes = Object.fromEntries(CHOOSERS.map((c) => [c, { priceRatios: [], coverage: [], full: 0 }])) as unknown as Record<Chooser, Outcome>;
  const originalRnd = seeded(SEED + 1);
  let notOptimal = 0;
  instances.forEach((inst, i) => {
    const optimum: Optimum | undefined = optima[i];
    for (const c of CHOOSERS) {
      const launches = choose(c, inst, originalRnd);
      const covered = Math.min(inst.need, total(launches, (o) => o.capacity));
      outcomes[c].coverage.push(covered / inst.need);
      if (covered === inst.need) outcomes[c].full++;
      if (optimum && launches.length > 0) outcomes[c].priceRatios.push(priceRatio(launches) / optimum.ratio);
      if (c === 'planner' && (covered !== (optimum?.coverage ?? 0) || (optimum && priceRatio(launches) > optimum.ratio * (1 + 1e-9)))) notOptimal++;
    }
  });
  const coverable = optima.filter((o, i) => o?.coverage === instances[i]!.need).length;
  note(`${SMOKE ? 'smoke run: figures mean nothing; ' : ''}${INSTANCES} random instances (seed ${SEED}): 1-5 instance types x 16 zones x spot/on-demand, `
    + `up to ${Math.max(...instances.map((i) => i.ranked.length))} eligible offerings, need 1-300, perOffering 5, maxLaunches 50`);
  note('price ratio: (sum of hourly prices / sum of utility) of the launches / the exact optimum; the original ignores cooldowns and the caps');
  printOutcomes(outcomes, INSTANCES, coverable);
  figure(FIGURES.notOptimal, notOptimal, `iterations where the planner's coverage or price per utility differs from the exact optimum, of ${INSTANCES}`);
  const planner = timePerCall(instances, selectLaunches);
  const firstFit = timePerCall(instances, selectLaunchesFirstFit);
  figure(FIGURES.time, ratio(mean(planner), mean(firstFit)), `mean per call: planner ${mean(planner).toFixed(3)} ms `
    + `(p95 ${percentile(planner, 95).toFixed(3)}, max ${Math.max(...planner).toFixed(3)}), first-fit ${mean(firstFit).toFixed(4)} ms; ${INSTANCES} instances x ${TIMING_REPEATS}`);
}

main();
