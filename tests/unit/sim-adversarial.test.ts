// Adversarial point-in-time tests (docs/patent.md#the-point-in-time-rule): client writes
// aimed at exactly the blocks the controller is copying, merging or staging, submitted in
// the same step as the request, and at the block the background copy goes for next. Checked
// by the oracle.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Method } from '../../src/array/backup.ts';
import { W } from '../../src/array/memory-507.ts';
import { verifyBackup, type AckedWrite } from '../../src/oracle/oracle.ts';
import type { Core } from '../../src/core/core-api.ts';
import { readAwsTape } from '../../src/devices/awstape.ts';
import { createSim, type Sim } from '../../src/runtime/sim.ts';
import { fillBlock } from '../../src/core/prng.ts';
import { coreForTests, small } from './sim-helpers.ts';

let core: Core;
beforeAll(async () => { core = await coreForTests(); });

/** A client of our own: records every write like the sim's client 101 does. */
function writer(sim: Sim) {
  const writes: AckedWrite[] = [];
  const { seed } = sim.scenario;
  const bb = sim.scenario.geometry.blockBytes;
  return {
    writes,
    write(lba: number, n: number) {
      n = Math.min(n, sim.scenario.geometry.blocks - lba);
      if (n <= 0) return;
      const rec: AckedWrite = { id: writes.length, lba, blocks: n, ack: -1 };
      const data = new Uint8Array(n * bb);
      for (let i = 0; i < n; i++) fillBlock(data.subarray(i * bb, (i + 1) * bb), seed, rec.id + 1, lba + i);
      writes.push(rec);
      sim.controller.submitWrite(lba, data, (t) => { rec.ack = t; });
    },
  };
}

function attack(method: Method, combined: boolean, seed: number, pending: number, unit: number, serveInline: boolean) {
  const s = small({ seed, initial: { pair: 'duplex', pending, dirtyInCache: 0.5 }, workload: { rate: 0 } });
  const sim = createSim(s, { core, external: true, serveInline });
  const ctl = sim.controller;
  const c = writer(sim);
  const blocks = s.geometry.blocks;
  const pendingBlocks = () => {
    const out: number[] = [];
    for (let b = ctl.ctx.diff.nextPending(0, blocks); b >= 0; b = ctl.ctx.diff.nextPending(b + 1, blocks)) out.push(b);
    return out;
  };
  let splitAck = -1;
  // Writes queued in the same instant as the split, to pending blocks and to others (those
  // need no copy, so 501 could acknowledge them quickly): acknowledged before the split's
  // answer means in the image, after it means not.
  for (let b = 0, k = 0; b < blocks && k < 16; b++) if (!ctl.ctx.diff.isPending(b)) { c.write(b, 1); k++; }
  for (const b of pendingBlocks().slice(0, 8)) c.write(b, 1);
  const params = { method, segments: [{ lba: 0, blocks, dest: { kind: 'tape' as const } }], transferBlocks: unit, combinedSplit: combined };
  if (combined) {
    ctl.startBackup(params, (h) => { splitAck = h.acceptedAt; });
  } else {
    // The backup server sends its command once the split is answered (Fig. 4 step 5).
    ctl.submitPair('split', { onDone: (_, t) => { splitAck = t; ctl.startBackup(params); } });
  }
  // Post-split writes, same instant, to every pending block: each needs a copy before write.
  for (const b of pendingBlocks()) c.write(b, 1);
  let seen = 0;
  while (sim.step()) {
    for (; seen < sim.events.length; seen++) {
      const e = sim.events[seen];
      if (['priority.req', 'merge.req', 'stage.req', 'cow.req'].includes(e.ev) && c.writes.length < 3000) {
        // A request may cover several units (channel-503.ts assignGroup): one write per unit's worth.
        const lba = Number(e.detail!.lba), end = lba + Number(e.detail!.n);
        for (let b = lba; b < end; b += unit) c.write(b, Math.min(unit, end - b));
      }
    }
    // The block the background copy goes for next.
    const next = ctl.ctx.diff.nextPending(ctl.ctx.m.w(W.COPY_CURSOR), blocks);
    if (next >= 0 && c.writes.length < 3000) c.write(next, 2);
  }
  const h = ctl.lastBackup!;
  expect(h.status).toBe('done');
  expect(c.writes.every((w) => w.ack >= 0)).toBe(true);
  return verifyBackup({
    core, scratch: ctl.ctx.m.L.verify, seed: s.seed, blocks, blockBytes: s.geometry.blockBytes,
    writes: c.writes, splitAckAt: splitAck, ranges: [{ lba: 0, blocks }], tapeFile: readAwsTape(sim.tape.bytes()).files[0],
  });
}

describe('writes aimed at the blocks being copied', () => {
  for (const method of ['priority', 'wait', 'staging'] as const) {
    for (const combined of [false, true]) {
      it(`${method}${combined ? ' (combined split, E4)' : ''}: the tape is the split-instant image`, () => {
        // serveInline: 503 performs its own requests to 508, as the live runtime's 503 does.
        fc.assert(fc.property(fc.nat(), fc.double({ min: 0.05, max: 1, noNaN: true }), fc.integer({ min: 1, max: 16 }), fc.boolean(), (seed, pending, unit, serveInline) => {
          const v = attack(method, combined, seed, pending, unit, serveInline);
          expect(v.reason).toBeUndefined();
          expect(v.verified).toBe(true);
        }), { numRuns: 10 });
      });
    }
  }
});
