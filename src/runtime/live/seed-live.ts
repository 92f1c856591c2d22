/**
 * The initial volumes of a live run, written into the OPFS files by 508's worker before
 * t = 0. It follows the sim's seedVolumes (src/runtime/sim.ts) exactly — same pending set (src/scenario/initial.ts)
 * from the same seed stream, same generations (P-VOL 0; S-VOL -1 where pending; P-VOL disk
 * -2 where the newest data is still dirty in cache) — so a scenario starts from the same
 * state in both runtimes. Written in chunks through one buffer: the volumes may be far
 * larger than what a worker should hold at once.
 */
import type { Controller } from '../../array/controller.ts';
import type { BlockDevice } from '../../devices/block-device.ts';
import { initialPending } from '../../scenario/initial.ts';
import { fillBlock } from '../../core/prng.ts';
import type { Scenario } from '../../scenario/schema.ts';

const CHUNK_BLOCKS = 256;

export function seedLiveVolumes(s: Scenario, ctl: Controller, pvol: BlockDevice, svol: BlockDevice): void {
  const { blocks, blockBytes: bb } = s.geometry;
  const duplex = s.initial.pair !== 'simplex';
  const buf = new Uint8Array(CHUNK_BLOCKS * bb);
  for (let lba = 0; lba < blocks; lba += CHUNK_BLOCKS) {
    const n = Math.min(CHUNK_BLOCKS, blocks - lba);
    for (let i = 0; i < n; i++) fillBlock(buf.subarray(i * bb, (i + 1) * bb), s.seed, 0, lba + i);
    pvol.write(lba, n, buf);
    if (duplex) svol.write(lba, n, buf);
  }
  if (!duplex) return;
  const { pending, nDirty } = initialPending(s);
  const one = new Uint8Array(bb);
  const dirty = pending.slice(0, nDirty).map((lba) => {
    const data = new Uint8Array(bb);
    fillBlock(data, s.seed, 0, lba);
    fillBlock(one, s.seed, -2, lba);
    pvol.write(lba, 1, one);
    return { lba, data };
  });
  for (const b of pending) {
    fillBlock(one, s.seed, -1, b);
    svol.write(b, 1, one);
  }
  ctl.seedDuplex(pending, dirty);
}
