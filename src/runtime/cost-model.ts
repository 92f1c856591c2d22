/**
 * The sim's cost model (docs/scenario.md "Cost model"): how long each bounded step of a
 * processor takes in virtual time. Bandwidths are MB/s (10^6 bytes/s = 1000 bytes/ms),
 * latencies are per I/O. The controller asks these functions for a step's duration; the
 * live runtime ignores them and lets the wall clock decide.
 */
import type { CostModel } from '../array/cost.ts';
import { DEFAULT_COSTS, type Costs } from '../scenario/schema.ts';

const rate = (bytes: number, mbps: number) => bytes / (mbps * 1000);

export function createCostModel(c: Costs = DEFAULT_COSTS): CostModel & { readonly costs: Costs } {
  return {
    costs: c,
    diskRead: (bytes, ios) => ios * c.diskLatencyMs + rate(bytes, c.diskReadMBps),
    diskWrite: (bytes, ios) => ios * c.diskLatencyMs + rate(bytes, c.diskWriteMBps),
    tape: (bytes, blocks) => blocks * c.tapeLatencyMs + rate(bytes, c.tapeMBps),
    cache: (bytes) => c.cacheLatencyMs + rate(bytes, c.cacheMBps),
    // A step must take some time, so two steps of one processor never share an instant.
    cmd: () => Math.max(c.cmdMs, 1e-6),
    lan: () => c.lanMs,
    poll: () => c.pollMs,
  };
}
