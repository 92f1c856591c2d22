/**
 * Summaries of repeated measurements (several repetitions, the median quoted and the spread
 * shown) and the target checks. Pure functions: unit-tested with
 * fast-check (tests/unit/bench-stats.test.ts).
 */

export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
  /** Quartiles by linear interpolation between order statistics. */
  q1: number;
  q3: number;
  samples: number[];
}

/** Linear-interpolation quantile of an ascending array (the common "type 7" rule). */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (h - lo);
}

export function summarize(samples: readonly number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  return {
    n: s.length, median: quantile(s, 0.5), min: s[0] ?? NaN, max: s[s.length - 1] ?? NaN,
    q1: quantile(s, 0.25), q3: quantile(s, 0.75), samples: [...samples],
  };
}

/**
 * A target: a figure, the limit of this machine it was measured against in the same run,
 * their ratio, and a bound on the ratio or on the figure itself (the absolute bounds,
 * such as a write ack ≤ 0.2 ms). A 'report' has no bound: it is there to be read.
 */
export interface Target {
  id: string;
  text: string;
  /** The measured figure (median) and what it is compared with; ratio = value / limit. */
  value: number;
  limit: number;
  ratio: number;
  bound: number | null;
  /** 'max': at most the bound (a time); 'min': at least (a speed-up, a rate); 'report': no bound. */
  kind: 'max' | 'min' | 'report';
  /** What the bound applies to: the ratio, or the value itself. */
  on: 'ratio' | 'value';
  met: boolean | null;
  unit: string;
}

function target(kind: 'max' | 'min', on: 'ratio' | 'value', id: string, text: string, value: number, limit: number, bound: number, unit: string): Target {
  const ratio = value / limit;
  const x = on === 'ratio' ? ratio : value;
  const met = Number.isFinite(x) && (kind === 'max' ? x <= bound : x >= bound);
  return { id, text, value, limit, ratio, bound, kind, on, met, unit };
}

/** value / limit ≤ bound, e.g. a backup time against the raw copy time. */
export const targetMax = (id: string, text: string, value: number, limit: number, bound: number, unit = 'ms') =>
  target('max', 'ratio', id, text, value, limit, bound, unit);

/** value / limit ≥ bound, e.g. the prior art's time over E3's, or WASM's throughput over C's. */
export const targetMin = (id: string, text: string, value: number, limit: number, bound: number, unit = 'ms') =>
  target('min', 'ratio', id, text, value, limit, bound, unit);

/** value ≤ bound (an absolute bound), shown beside the limit it was measured against. */
export const absMax = (id: string, text: string, value: number, limit: number, bound: number, unit = 'ms') =>
  target('max', 'value', id, text, value, limit, bound, unit);

/** value ≥ bound (an absolute bound), shown beside the limit it was measured against. */
export const absMin = (id: string, text: string, value: number, limit: number, bound: number, unit = 'ms') =>
  target('min', 'value', id, text, value, limit, bound, unit);

/** A figure reported with its ratio to another, with no bound. */
export const reported = (id: string, text: string, value: number, limit: number, unit = 'ms'): Target =>
  ({ id, text, value, limit, ratio: value / limit, bound: null, kind: 'report', on: 'ratio', met: null, unit });

/** Formats a figure for the table: 3 significant digits, no exponent for ordinary sizes. */
export function fmt(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'n/a';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toString();
  if (a >= 0.01) return Number(x.toPrecision(3)).toString();
  return x.toExponential(2);
}
