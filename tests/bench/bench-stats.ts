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

/** A target checked as a ratio against a limit measured in the same run. */
export interface Target {
  id: string;
  text: string;
  /** The measured figure (median) and what it is compared with; ratio = value / limit. */
  value: number;
  limit: number;
  ratio: number;
  bound: number;
  /** 'max': ratio ≤ bound is met (a time against a limit); 'min': ratio ≥ bound is met (a speed-up). */
  kind: 'max' | 'min';
  met: boolean;
  unit: string;
}

function target(kind: 'max' | 'min', id: string, text: string, value: number, limit: number, bound: number, unit: string): Target {
  const ratio = value / limit;
  const met = Number.isFinite(ratio) && (kind === 'max' ? ratio <= bound : ratio >= bound);
  return { id, text, value, limit, ratio, bound, kind, met, unit };
}

/** value / limit ≤ bound, e.g. a backup time against the raw copy time. */
export const targetMax = (id: string, text: string, value: number, limit: number, bound: number, unit = 'ms') =>
  target('max', id, text, value, limit, bound, unit);

/** value / limit ≥ bound, e.g. the prior art's time over E3's, or WASM's throughput over C's. */
export const targetMin = (id: string, text: string, value: number, limit: number, bound: number, unit = 'ms') =>
  target('min', id, text, value, limit, bound, unit);

/** Formats a figure for the table: 3 significant digits, no exponent for ordinary sizes. */
export function fmt(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'n/a';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toString();
  if (a >= 0.01) return Number(x.toPrecision(3)).toString();
  return x.toExponential(2);
}
