/**
 * The sim's cost model (issue 4 "The sim runtime"): how long each bounded step of a
 * processor takes in virtual time. Bandwidths are MB/s (10^6 bytes/s = 1000 bytes/ms),
 * latencies are per I/O. The controller asks these functions for a step's duration; the
 * live runtime ignores them and lets the wall clock decide.
 */
import { DEFAULT_COSTS, type Costs } from '../scenario/schema.ts';

export interface CostModel {
  readonly costs: Costs;
  /** Reading `bytes` from a volume in `ios` separate I/Os (contiguous runs). */
  diskRead(bytes: number, ios: number): number;
  diskWrite(bytes: number, ios: number): number;
  /** Writing `bytes` to tape as `blocks` tape blocks. */
  tape(bytes: number, blocks: number): number;
  /** Moving `bytes` through cache memory (write into a slot, read from one). */
  cache(bytes: number): number;
  /** One command handled by a processor. */
  cmd(): number;
  /** One message between servers over the LAN. */
  lan(): number;
  poll(): number;
}

const rate = (bytes: number, mbps: number) => bytes / (mbps * 1000);

export function createCostModel(c: Costs = DEFAULT_COSTS): CostModel {
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
