/**
 * The capacity search of `npm run bench` (docs/live.md#what-the-benchmark-shows): the
 * highest offered rate of client writes at which the write ack's p99 stays within a bound.
 * Doubles the rate from `start` while a run keeps the bound, then halves the gap between
 * the last rate that kept it and the first that did not, `steps` times (to `grain` writes/s).
 * A run that fails counts as over the bound. Pure but for the runs it asks for: tested with
 * a made-up machine in tests/unit/bench-stats.test.ts.
 */

export interface Probe { rate: number; p99Ms: number; ok: boolean }

export interface CapacityPlan {
  start: number;
  max: number;
  /** Bisection steps after the doubling. */
  steps: number;
  /** Rates are rounded to this many writes/s. */
  grain: number;
  /** The p99 bound, ms. */
  boundMs: number;
}

export const CAPACITY: CapacityPlan = { start: 5000, max: 100000, steps: 3, grain: 1000, boundMs: 5 };

/** Returns the highest rate found that kept the bound (0 if even `start` did not), and every probe. */
export async function searchCapacity(plan: CapacityPlan, p99At: (rate: number) => Promise<number>): Promise<{ rate: number; probes: Probe[] }> {
  const probes: Probe[] = [];
  const keeps = async (rate: number) => {
    let p99 = NaN;
    try { p99 = await p99At(rate); } catch { /* a failed run is over the bound */ }
    const ok = Number.isFinite(p99) && p99 <= plan.boundMs;
    probes.push({ rate, p99Ms: p99, ok });
    return ok;
  };
  let lo = 0, hi = 0;
  for (let rate = plan.start; rate <= plan.max; rate = Math.min(plan.max, rate * 2)) {
    if (!(await keeps(rate))) { hi = rate; break; }
    lo = rate;
    if (rate === plan.max) break;
  }
  if (hi === 0) return { rate: lo, probes };
  for (let i = 0; i < plan.steps && hi - lo > plan.grain; i++) {
    const mid = Math.round((lo + hi) / 2 / plan.grain) * plan.grain;
    if (mid <= lo || mid >= hi) break;
    if (await keeps(mid)) lo = mid;
    else hi = mid;
  }
  return { rate: lo, probes };
}
