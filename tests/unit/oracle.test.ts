// The oracle (docs/patent.md#the-point-in-time-rule) must itself be right: its image model
// against a naive one, and it must name the first block where a tape differs from the
// split-instant image.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { imageGenerations, verifyBackup, type AckedWrite } from '../../src/oracle/oracle.ts';
import { sha256Hex } from '../../src/oracle/sha256.ts';
import type { Core } from '../../src/core/core-api.ts';
import { readAwsTape } from '../../src/devices/awstape.ts';
import { createSim } from '../../src/runtime/sim.ts';
import { fillBlock } from '../../src/core/prng.ts';
import { coreForTests, small } from './sim-helpers.ts';

let core: Core;
beforeAll(async () => { core = await coreForTests(); });

const arbWrites = (blocks: number) => fc.array(fc.record({
  lba: fc.integer({ min: 0, max: blocks - 1 }), n: fc.integer({ min: 1, max: 4 }),
  ack: fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 1000 })),
}), { maxLength: 60 }).map((ws) => ws.map((w, id): AckedWrite => ({ id, lba: w.lba, blocks: Math.min(w.n, blocks - w.lba), ack: w.ack })));

describe('image model', () => {
  it('matches a naive per-block search for the last write acknowledged before the split', () => {
    fc.assert(fc.property(arbWrites(40), fc.integer({ min: 0, max: 1000 }), (writes, split) => {
      const gen = imageGenerations(40, writes, split);
      for (let b = 0; b < 40; b++) {
        let best: AckedWrite | null = null;
        for (const w of writes) {
          if (w.ack < 0 || w.ack >= split || b < w.lba || b >= w.lba + w.blocks) continue;
          if (!best || w.ack > best.ack || (w.ack === best.ack && w.id > best.id)) best = w;
        }
        expect(gen[b]).toBe(best ? best.id + 1 : 0);
      }
    }));
  });
});

describe('verifyBackup', () => {
  function baseline() {
    const sim = createSim(small({ mode: 'E3' }), { core });
    const r = sim.runToEnd();
    expect(r.verified).toBe(true);
    return { sim, file: readAwsTape(sim.tape.bytes()).files[0], s: sim.scenario };
  }

  it('names the first corrupted block, whatever byte is flipped', () => {
    const { sim, file, s } = baseline();
    const bb = s.geometry.blockBytes;
    // A verified tape, described as writes: each block's stamped generation, acknowledged
    // before the split. Then any flipped byte must be found in its block.
    const blocks = s.geometry.blocks;
    const data = file.flatMap((b) => Array.from({ length: b.byteLength / bb }, (_, i) => b.subarray(i * bb, (i + 1) * bb)));
    const writes: AckedWrite[] = data.map((blk, lba) => ({ id: new DataView(blk.buffer, blk.byteOffset).getInt32(4, true) - 1, lba, blocks: 1, ack: 0 }))
      .filter((w) => w.id >= 0);
    const input = (tapeFile: Uint8Array[]) => ({
      core, scratch: sim.controller.ctx.m.L.verify, seed: s.seed, blocks, blockBytes: bb,
      writes, splitAckAt: 1, ranges: [{ lba: 0, blocks }], tapeFile,
    });
    expect(verifyBackup(input(file)).verified).toBe(true);
    fc.assert(fc.property(fc.integer({ min: 0, max: blocks * bb - 1 }), fc.integer({ min: 1, max: 255 }), (pos, x) => {
      const bad = file.map((b) => b.slice());
      let p = pos;
      const k = bad.findIndex((b) => (p < b.byteLength ? true : ((p -= b.byteLength), false)));
      bad[k][p] ^= x;
      const v = verifyBackup(input(bad));
      expect(v.verified).toBe(false);
      expect(v.firstMismatch?.block).toBe(Math.floor(pos / bb));
    }), { numRuns: 30 });
  });

  it('refuses a short tape and a post-split block, and hashes the image like sha256sum', () => {
    const bb = 512, blocks = 16;
    const image = new Uint8Array(blocks * bb);
    for (let b = 0; b < blocks; b++) fillBlock(image.subarray(b * bb, (b + 1) * bb), 7, 0, b);
    const sim = createSim(small(), { core, external: true });
    const base = { core, scratch: sim.controller.ctx.m.L.verify, seed: 7, blocks, blockBytes: bb, splitAckAt: 10, ranges: [{ lba: 0, blocks }] };
    const ok = verifyBackup({ ...base, writes: [], tapeFile: [image] });
    expect(ok.verified).toBe(true);
    expect(ok.pitSha256).toBe(sha256Hex(image));
    const short = verifyBackup({ ...base, writes: [], tapeFile: [image.subarray(0, 15 * bb)] });
    expect(short.verified).toBe(false);
    expect(short.reason).toMatch(/holds 7680 bytes/);
    // Block 5 written after the split ack (write id 3 → generation 4) but found on the tape.
    const late = image.slice();
    fillBlock(late.subarray(5 * bb, 6 * bb), 7, 4, 5);
    const v = verifyBackup({ ...base, writes: [{ id: 3, lba: 5, blocks: 1, ack: 11 }], tapeFile: [late] });
    expect(v.firstMismatch).toMatchObject({ block: 5, expectedGen: 0, tapeGen: 4 });
  });
});
