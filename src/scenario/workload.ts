/**
 * The client server's (101) seeded write stream (uniform, hotspot, sequential;
 * docs/scenario.md#fields). Open loop: arrival times do not depend on how fast the array
 * answers, so every mode sees the same writes and their latencies compare fairly.
 */
import { Prng } from '../core/prng.ts';
import type { Workload } from './schema.ts';

export interface ClientWrite {
  /** Sequence number; the data of block b in this write is fillBlock(seed, id + 1, b). */
  id: number;
  /** Virtual time the client issues it, ms. */
  arrival: number;
  lba: number;
  blocks: number;
}

export class WorkloadGen {
  private readonly rng: Prng;
  private nextId = 0;
  private t = 0;
  private seqLba = 0;

  constructor(private readonly w: Workload, private readonly volumeBlocks: number, seed: number) {
    // A stream of its own, so changing the initial state does not shift the writes.
    this.rng = new Prng(seed ^ 0x5bd1e995);
  }

  /** The next write, or null when the workload issues none. */
  next(): ClientWrite | null {
    if (this.w.rate <= 0) return null;
    const r = this.rng;
    this.t += r.exp(1000 / this.w.rate);
    const blocks = this.w.minBlocks + r.int(this.w.maxBlocks - this.w.minBlocks + 1);
    const span = this.volumeBlocks - blocks + 1;
    let lba: number;
    if (this.w.pattern === 'sequential') {
      if (this.seqLba >= span) this.seqLba = 0;
      lba = this.seqLba;
      this.seqLba += blocks;
    } else if (this.w.pattern === 'hotspot' && r.float() < this.w.hotWeight) {
      const hot = Math.max(1, Math.min(span, Math.floor(this.volumeBlocks * this.w.hotFraction)));
      lba = r.int(hot);
    } else {
      lba = r.int(span);
    }
    return { id: this.nextId++, arrival: this.t, lba, blocks };
  }
}
