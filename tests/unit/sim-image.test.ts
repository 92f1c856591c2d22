// A run that starts from an uploaded volume image:
// the P-VOL (and the S-VOL mirror of a duplex pair) start from the image, and the oracle,
// handed the same bytes, still checks every mode's tape against the split-instant image.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/core-api.ts';
import { verifyBackup } from '../../src/oracle/oracle.ts';
import { readAwsTape } from '../../src/devices/awstape.ts';
import { createSim } from '../../src/runtime/sim.ts';
import { Prng } from '../../src/core/prng.ts';
import { MODES } from '../../src/scenario/schema.ts';
import { coreForTests, small } from './sim-helpers.ts';

let core: Core;
beforeAll(async () => { core = await coreForTests(); });

function randomImage(seed: number, bytes: number): Uint8Array {
  const rng = new Prng(seed);
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) out[i] = rng.int(256);
  return out;
}

const tapeData = (tape: Uint8Array) => {
  const file = readAwsTape(tape).files[0] ?? [];
  const out = new Uint8Array(file.reduce((n, b) => n + b.byteLength, 0));
  let off = 0;
  for (const b of file) { out.set(b, off); off += b.byteLength; }
  return out;
};

describe('initial image', () => {
  it('every mode verifies from a random image, with client writes', () => {
    fc.assert(fc.property(fc.nat(), fc.constantFrom(...MODES), fc.double({ min: 0, max: 1, noNaN: true }), (seed, mode, pending) => {
      const s = small({ mode, seed, initial: { pair: 'duplex', pending, dirtyInCache: 0.5 } });
      const image = randomImage(seed, s.geometry.blocks * s.geometry.blockBytes);
      const r = createSim(s, { core, initialImage: image }).runToEnd();
      expect(r.reason).toBeUndefined();
      expect(r.verified).toBe(true);
    }), { numRuns: 25 });
  });

  it('with no client I/O the tape is the image itself, in every mode', () => {
    for (const mode of MODES) {
      const s = small({ mode, workload: { rate: 0 } });
      const bb = s.geometry.blockBytes;
      const image = randomImage(7, s.geometry.blocks * bb);
      const sim = createSim(s, { core, initialImage: image });
      const r = sim.runToEnd();
      expect(r.verified).toBe(true);
      const data = tapeData(sim.tape.bytes());
      expect(data.byteLength).toBe(image.byteLength);
      expect(data.subarray(0, bb)).toEqual(image.subarray(0, bb));
      expect(Buffer.from(data).equals(Buffer.from(image))).toBe(true);
    }
  });

  it('the oracle checks against the bytes it is given: one flipped byte names its block', () => {
    fc.assert(fc.property(fc.nat({ max: 255 }), fc.nat(), (blockPick, bytePick) => {
      const s = small({ mode: 'E3', workload: { rate: 0 } });
      const { blocks, blockBytes: bb } = s.geometry;
      const image = randomImage(3, blocks * bb);
      const sim = createSim(s, { core, initialImage: image });
      const r = sim.runToEnd();
      expect(r.verified).toBe(true);
      const other = image.slice();
      const b = blockPick % blocks;
      other[b * bb + (bytePick % bb)] ^= 0x5a;
      const v = verifyBackup({
        core, scratch: sim.controller.ctx.m.L.verify, seed: s.seed, blocks, blockBytes: bb, initial: other,
        writes: [], splitAckAt: r.at.splitAck, ranges: [{ lba: 0, blocks }], tapeFile: readAwsTape(sim.tape.bytes()).files[0]!,
      });
      expect(v.verified).toBe(false);
      expect(v.firstMismatch?.block).toBe(b);
    }), { numRuns: 10 });
  });

  it('refuses an image whose size is not the volume, naming both sizes', () => {
    const s = small();
    const want = s.geometry.blocks * s.geometry.blockBytes;
    expect(() => createSim(s, { core, initialImage: new Uint8Array(want - 512) }))
      .toThrow(`initial image: ${want - 512} bytes, the volume ${s.geometry.blocks} × ${s.geometry.blockBytes} = ${want}`);
  });
});
