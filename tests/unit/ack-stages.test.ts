/**
 * The stages of a write's latency (src/runtime/ack-stages.ts): they add up to the latency the
 * client saw, each stage's percentiles are its own (checked against a plain sort), and a sim
 * run, whose writes carry no array stamps, reports none (nor does the Live tab's panel).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ACK_STAGES, stagesOf, summarizeStages, type AckStages, type StampedWrite } from '../../src/runtime/ack-stages.ts';
import { resultOf } from '../../web/ui/frame-adapter.ts';
import { runScenario } from '../../src/runtime/sim.ts';
import { DEFAULT_SCENARIO } from '../../src/scenario/schema.ts';
import { coreForTests } from './sim-helpers.ts';

/** A write's instants in the order they happen (each a gap after the last), some without the array's stamps. */
const write = fc.record({
  arrival: fc.double({ min: 0, max: 1000, noNaN: true }),
  gaps: fc.array(fc.double({ min: 0, max: 50, noNaN: true }), { minLength: 5, maxLength: 5 }),
  stamped: fc.boolean(),
  acked: fc.boolean(),
}).map(({ arrival, gaps, stamped, acked }): StampedWrite => {
  const t = [arrival];
  for (const g of gaps) t.push(t[t.length - 1] + g);
  const [, sent, drained, journaled, ack, seen] = t;
  return { arrival, sent, ack: acked ? ack : -1, seen, ...(stamped ? { drained, journaled } : {}) };
});

const nearest = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

describe('ack stages', () => {
  it("a write's five stages add up to its latency as the client saw it", () => {
    fc.assert(fc.property(write, (w) => {
      const s = stagesOf(w);
      if (w.ack < 0 || w.drained === undefined) {
        expect(s).toBeNull();
        return;
      }
      expect(s).toHaveLength(ACK_STAGES.length);
      expect(s!.reduce((a, b) => a + b, 0)).toBeCloseTo(w.seen! - w.arrival, 9);
      for (const x of s!) expect(x).toBeGreaterThanOrEqual(0);
    }));
  });

  it("each stage's p50 and p99 are its own, over the writes that carry every stamp", () => {
    fc.assert(fc.property(fc.array(write, { maxLength: 300 }), (ws) => {
      const got = summarizeStages(ws);
      const full = ws.filter((w) => w.ack >= 0 && w.drained !== undefined);
      if (full.length === 0) {
        expect(got).toBeNull();
        return;
      }
      ACK_STAGES.forEach((k, i) => {
        const v = full.map((w) => stagesOf(w)![i]).sort((a, b) => a - b);
        expect(got![k].p50).toBeCloseTo(nearest(v, 0.5), 2);
        expect(got![k].p99).toBeCloseTo(nearest(v, 0.99), 2);
      });
    }));
  });

  it('a sim run reports no stages: its writes carry no array stamps', async () => {
    const r = runScenario({ ...DEFAULT_SCENARIO, workload: { ...DEFAULT_SCENARIO.workload, rate: 500 } }, { core: await coreForTests() });
    expect(r.clientWrites).toBeGreaterThan(0);
    expect(r.ackStagesMs).toBeUndefined();
    // The Live tab's panel (web/components/ack-stages.tsx) gets none for the sim, and a live
    // result's stages in their order.
    expect(resultOf(r).ackStages).toBeNull();
    const live = Object.fromEntries(ACK_STAGES.map((k, i) => [k, { p50: i / 10, p99: i }])) as AckStages;
    expect(resultOf({ ...r, ackStagesMs: live }).ackStages).toEqual(ACK_STAGES.map((stage, i) => ({ stage, p50: i / 10, p99: i })));
  });
});
