/**
 * Where a client write's acknowledgement time goes in the live runtime (docs/live.md "Where
 * a write's time goes"), in the manner of a block trace's stages: five spans that add up to
 * the write's latency as the client sees it, from the instants the two sides stamp.
 *
 *   issue    arrival (the workload's instant) → the client server 101 sends it to port 401
 *            (its own lateness waking, and any hold while every write slot is in flight)
 *   port     → the array's worker starts the drain that takes it (the doorbell's wake, or
 *            the round the worker was in)
 *   journal  → its record is in the cache journal's file (the drain's batch: one write call)
 *   cache    → 501 acknowledges it (501's step; a copy before write first where its blocks
 *            are pending, docs/patent.md#the-point-in-time-rule)
 *   answer   → the answer reaches 101 (published after the step, the servers' doorbell)
 *
 * The sim stamps none of them (a write's arrival is its issue there, and its ack its
 * answer), so only live results carry them.
 */

export const ACK_STAGES = ['issue', 'port', 'journal', 'cache', 'answer'] as const;
export type AckStage = (typeof ACK_STAGES)[number];

/** A client's record of one write, as far as the stages need it. */
export interface StampedWrite {
  arrival: number;
  ack: number;
  seen?: number;
  /** When 101 sent it to the array. */
  sent?: number;
  /** When the array took it from port 401, and when its journal record was written (Port401.drain). */
  drained?: number;
  journaled?: number;
}

/** p50 and p99 of each stage over a run's acknowledged writes, ms. */
export type AckStages = Record<AckStage, { p50: number; p99: number }>;

/** The five spans of one acknowledged write, in ACK_STAGES order (their sum is its latency); null where it lacks a stamp. */
export function stagesOf(w: StampedWrite): number[] | null {
  const { drained, journaled } = w;
  if (w.ack < 0 || w.sent === undefined || drained === undefined || journaled === undefined) return null;
  return [w.sent - w.arrival, drained - w.sent, journaled - drained, w.ack - journaled, (w.seen ?? w.ack) - w.ack];
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;
const at = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

/**
 * Each stage's p50 and p99 over the writes that carry every stamp, or null if none does
 * (a sim run). The percentiles are each stage's own, so they do not add up to the
 * latency's: the slowest writes of one stage need not be the slowest of another.
 */
export function summarizeStages(writes: readonly StampedWrite[]): AckStages | null {
  const spans = writes.map(stagesOf).filter((s): s is number[] => s !== null);
  if (spans.length === 0) return null;
  const out = {} as AckStages;
  ACK_STAGES.forEach((stage, i) => {
    const v = Float64Array.from(spans, (s) => s[i]).sort();
    out[stage] = { p50: r3(at(v, 0.5)), p99: r3(at(v, 0.99)) };
  });
  return out;
}
