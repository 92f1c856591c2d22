/**
 * Single-producer single-consumer rings in 507: the queues between processors
 * (docs/architecture.md#concurrency: the data plane is shared-memory rings with
 * Atomics). Header: head (next to read), tail (next to write), capacity, record words.
 * Records are RING_RECORD Int32 words. Only the producer moves tail, only the consumer head.
 */
import { RING_RECORD, type Mem507 } from './memory-507.ts';

const HEAD = 0, TAIL = 1, CAP = 2;

export class SpscQueue {
  constructor(private readonly m: Mem507, private readonly at: number) {}

  /** Called once on a zeroed layout. */
  init(capacity: number): void {
    const i = this.at >> 2;
    Atomics.store(this.m.i32, i + CAP, capacity);
  }

  private word(k: number): number { return (this.at >> 2) + k; }

  size(): number {
    const i32 = this.m.i32;
    return Atomics.load(i32, this.word(TAIL)) - Atomics.load(i32, this.word(HEAD));
  }

  /** Appends a record; throws if full (a bounded queue full is a controller bug here). */
  push(a: number, b = 0, c = 0, d = 0): void {
    const i32 = this.m.i32;
    const cap = i32[this.word(CAP)];
    const tail = Atomics.load(i32, this.word(TAIL));
    if (tail - Atomics.load(i32, this.word(HEAD)) >= cap) throw new Error('ring full');
    const r = this.word(4) + (tail % cap) * RING_RECORD;
    i32[r] = a; i32[r + 1] = b; i32[r + 2] = c; i32[r + 3] = d;
    Atomics.store(i32, this.word(TAIL), tail + 1);
  }

  /** The oldest record without removing it, or null. */
  peek(): [number, number, number, number] | null {
    if (this.size() === 0) return null;
    const i32 = this.m.i32;
    const cap = i32[this.word(CAP)];
    const r = this.word(4) + (Atomics.load(i32, this.word(HEAD)) % cap) * RING_RECORD;
    return [i32[r], i32[r + 1], i32[r + 2], i32[r + 3]];
  }

  pop(): void {
    if (this.size() === 0) throw new Error('ring empty');
    Atomics.add(this.m.i32, this.word(HEAD), 1);
  }
}
