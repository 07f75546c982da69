// Prints the figures of api-flood (names in figures.ts, meanings in README.md).
import type { MemoryPeaks } from '../support/api-messages';
import type { PingRun } from '../support/pinger';
import { counts, figure, mib, ms, ratio } from '../support/report';
import { percentile } from '../support/stats';
import type { FloodShape } from './body';
import { FIGURES, FLOOD_KINDS } from './figures';
import type { Tally } from './flood';

export interface BodyFacts {
  shape: FloodShape;
  bodyBytes: number;
  capBytes: number;
  /** The least user data per slot refused; undefined when nothing below the cap was. */
  refusedBytes?: number;
}

export function printBody(facts: BodyFacts): void {
  const { shape } = facts;
  figure(FIGURES.body, facts.bodyBytes, `${shape.instanceTypes} instance types x ${shape.regions.length} regions, `
    + `${shape.padBytes} bytes of user data per instance type; body cap ${facts.capBytes}`);
  if (facts.refusedBytes === undefined) {
    figure(FIGURES.userDataLimit, 'none', `no user-data limit found below the ${facts.capBytes}-byte body cap: the body is capped there`);
  } else {
    figure(FIGURES.userDataLimit, facts.refusedBytes, `400 from this many bytes of user data per instance type; ${shape.padBytes} accepted`);
  }
}

function pingRatio(name: string, p: number, flood: number[], reference: number[]): void {
  const [under, before] = [percentile(flood, p), percentile(reference, p)];
  figure(name, ratio(under, before), `flood ${ms(under)} / reference ${ms(before)}; ${flood.length} vs ${reference.length} calls`);
}

export interface Measurements {
  reference: PingRun;
  underFlood: PingRun;
  tally: Tally;
  before: MemoryPeaks;
  during: MemoryPeaks;
}

export function printMeasurements(m: Measurements): void {
  pingRatio(FIGURES.pingP50, 50, m.underFlood.latenciesMs, m.reference.latenciesMs);
  pingRatio(FIGURES.pingP99, 99, m.underFlood.latenciesMs, m.reference.latenciesMs);
  for (const kind of FLOOD_KINDS) figure(FIGURES.completed[kind], m.tally.completed[kind], '2xx answers during the flood');
  figure(FIGURES.completed.ping, m.underFlood.latenciesMs.length, `2xx answers during the flood; ${m.reference.latenciesMs.length} in the reference`);
  const ping = (table: Record<string, number>) => Object.fromEntries(Object.entries(table).map(([k, n]) => [`ping ${k}`, n]));
  figure(FIGURES.non2xx, counts({ ...m.tally.statuses, ...ping(m.underFlood.statuses) }), 'answers during the flood by kind and status');
  figure(FIGURES.noAnswer, counts({ ...m.tally.noAnswer, ...ping(m.underFlood.noAnswer) }), 'calls without an HTTP answer, by client error');
  figure(FIGURES.peakRss, ratio(m.during.rssBytes, m.before.rssBytes), `flood ${mib(m.during.rssBytes)} / before ${mib(m.before.rssBytes)}`);
  figure(FIGURES.peakHeap, ratio(m.during.heapBytes, m.before.heapBytes), `flood ${mib(m.during.heapBytes)} / before ${mib(m.before.heapBytes)}`);
  figure(FIGURES.standInCalls, counts(m.during.calls), 'EC2 and workflow stand-in calls during the flood');
}
