/**
 * Channel503.takeQuiet (context.ts Processor.takeQuiet): the live host skips waking the
 * other workers after 503's quiet steps, so a step that calls itself quiet must change
 * nothing another processor waits for: the backup state (502 reports it, 508 resumes its
 * background copy), the requests 508 serves, the pair state (a completed split).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { B, W } from '../../src/array/memory-507.ts';
import type { Core } from '../../src/core/core-api.ts';
import { createSim } from '../../src/runtime/sim.ts';
import { coreForTests, small } from './sim-helpers.ts';

let core: Core;
beforeAll(async () => { core = await coreForTests(); });

describe('503 quiet steps', () => {
  it("a step is quiet only if it left the backup state, 508's requests and the pair state alone", () => {
    fc.assert(fc.property(fc.boolean(), fc.constantFrom('E1', 'E2', 'E3'), fc.integer({ min: 1, max: 1000 }), (inline, mode, seed) => {
      const sim = createSim(small({ mode, seed }), { core, serveInline: inline });
      const { ctx, p503 } = sim.controller;
      const next = p503.next.bind(p503);
      let quiet = 0, loud = 0;
      p503.next = () => {
        const w = next();
        if (!w) return w;
        const run = w.run;
        w.run = () => {
          const before = [ctx.m.b(B.STATE), ctx.reqRing.size(), ctx.m.w(W.S_STATE)];
          run();
          const after = [ctx.m.b(B.STATE), ctx.reqRing.size(), ctx.m.w(W.S_STATE)];
          if (p503.takeQuiet()) {
            quiet++;
            expect(after[0]).toBe(before[0]);
            expect(after[1]).toBeLessThanOrEqual(before[1]);
            expect(after[2]).toBe(before[2]);
          } else loud++;
        };
        return w;
      };
      const r = sim.runToEnd();
      expect(r.verified).toBe(true);
      // The backup's start and end are loud; staging its own units is quiet where 503 serves itself.
      expect(loud).toBeGreaterThanOrEqual(2);
      if (inline) expect(quiet).toBeGreaterThan(0);
    }), { numRuns: 30 });
  });
});
