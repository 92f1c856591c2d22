/**
 * 508's destage, written behind (docs/live.md#who-runs-where): a real array's disk
 * adapters write dirty cache to the disks while its channel processors go on taking writes.
 * Where the four processors share one worker, the P-VOL's writes are handed to a worker of
 * their own (web/live/disk-writer-worker.ts) through this queue in shared memory: the array's
 * worker copies the blocks into a ring and goes on; the disk writer writes them to the file
 * in order. On two cores that moves the destage's write calls, as many as the client's writes,
 * off the thread that acknowledges them.
 *
 * Nothing is lost and nothing is read stale:
 *   - the blocks' newest data stays in the cache journal until a flush round (flusher.ts) has
 *     made the P-VOL durable: a round first waits for every write queued before it began, so
 *     the journal reuses no segment whose blocks are still in the queue (cache-journal.ts);
 *   - a read of the P-VOL lays every queued write over what the file holds, oldest first, so
 *     508 reads what it wrote even before the disk writer has (a block destaged, then evicted
 *     from cache, then read for a copy before write).
 *
 * Layout (Int32 words at `at`): ENQ, DONE (entries queued and written, counts), BYTES (ring
 * bytes in use), then WB_ENTRIES entries of 4 words (lba, blocks, ring offset, bytes freed
 * when written), then a count per block of its queued writes (a read of blocks none of which
 * is queued skips the overlay), then the data ring. One producer (the array's worker), one
 * consumer.
 */
import { type BlockDevice, checkRange } from '../../devices/block-device.ts';

const ENQ = 0, DONE = 1, BYTES = 2, HEADER_WORDS = 4, ENTRY_WORDS = 4;
export const WB_ENTRIES = 4096;

/** Bytes of the queue for a volume of `blocks` and a data ring of `ringBytes`. */
export function writeBehindBytes(blocks: number, ringBytes: number): number {
  return (HEADER_WORDS + WB_ENTRIES * ENTRY_WORDS + blocks) * 4 + ringBytes;
}

export class WriteBehindQueue {
  private readonly w: Int32Array;
  private readonly base: number;
  /** Word index of block 0's count of queued writes. */
  private readonly counts: number;
  private readonly ring: number;
  /** Where the producer puts the next bytes (its own, mod ringBytes). */
  private put = 0;

  constructor(readonly memory: WebAssembly.Memory, readonly at: number, readonly blocks: number, readonly ringBytes: number, readonly blockBytes: number) {
    this.w = new Int32Array(memory.buffer);
    this.base = at >> 2;
    this.counts = this.base + HEADER_WORDS + WB_ENTRIES * ENTRY_WORDS;
    this.ring = (this.counts + blocks) * 4;
  }

  /** Zeroes the header and the counts (once, by whoever lays the memory out). */
  init(): void {
    new Int32Array(this.memory.buffer, this.at, HEADER_WORDS).fill(0);
    new Int32Array(this.memory.buffer, this.counts * 4, this.blocks).fill(0);
  }

  /** True if a write to some block of [lba, lba+count) is queued and not yet written. */
  private queuedIn(lba: number, count: number): boolean {
    for (let b = lba; b < lba + count; b++) if (Atomics.load(this.w, this.counts + b) !== 0) return true;
    return false;
  }

  private word(i: number): number { return Atomics.load(this.w, this.base + i); }
  queued(): number { return this.word(ENQ); }
  written(): number { return this.word(DONE); }
  private entry(k: number): number { return this.base + HEADER_WORDS + (k % WB_ENTRIES) * ENTRY_WORDS; }

  /**
   * Queues the first `blocks` blocks of `from` for `lba`; waits while the ring or the
   * entries are full (the disk writer frees them in order).
   */
  push(lba: number, blocks: number, from: Uint8Array): void {
    const len = blocks * this.blockBytes;
    if (len > this.ringBytes) throw new RangeError(`write-behind: ${len} bytes exceed the ring of ${this.ringBytes}`);
    // A write never wraps: the ring's tail is skipped (and freed with it) when it is too short.
    const skip = this.put + len > this.ringBytes ? this.ringBytes - this.put : 0;
    for (;;) {
      const done = this.word(DONE);
      const roomy = this.word(BYTES) + skip + len <= this.ringBytes && this.word(ENQ) - done < WB_ENTRIES;
      if (roomy) break;
      Atomics.wait(this.w, this.base + DONE, done, 50);
    }
    const off = skip ? 0 : this.put;
    new Uint8Array(this.memory.buffer, this.ring + off, len).set(from.subarray(0, len));
    const e = this.entry(this.word(ENQ));
    this.w[e] = lba; this.w[e + 1] = blocks; this.w[e + 2] = off; this.w[e + 3] = skip + len;
    for (let b = lba; b < lba + blocks; b++) Atomics.add(this.w, this.counts + b, 1);
    Atomics.add(this.w, this.base + BYTES, skip + len);
    this.put = (off + len) % this.ringBytes;
    // The release: the disk writer that sees the count sees the entry and its bytes.
    Atomics.add(this.w, this.base + ENQ, 1);
    Atomics.notify(this.w, this.base + ENQ);
  }

  /**
   * Reads [lba, lba+count) from `file` as the queue's producer sees it: blocks none of which
   * is queued straight from the file; else the file, with the entries not yet written when it
   * was read laid over it.
   */
  read(file: BlockDevice, lba: number, count: number, into: Uint8Array): void {
    if (!this.queuedIn(lba, count)) { file.read(lba, count, into); return; }
    const from = this.written();
    file.read(lba, count, into);
    this.overlay(lba, count, into, from);
  }

  /** Lays every queued write overlapping [lba, lba+count) over `into`, oldest first, from entry `from` on. */
  overlay(lba: number, count: number, into: Uint8Array, from: number): void {
    const bb = this.blockBytes, u8 = new Uint8Array(this.memory.buffer);
    const enq = this.word(ENQ);
    for (let k = from; k < enq; k++) {
      const e = this.entry(k), el = this.w[e], en = this.w[e + 1];
      const lo = Math.max(lba, el), hi = Math.min(lba + count, el + en);
      if (lo >= hi) continue;
      const src = this.ring + this.w[e + 2] + (lo - el) * bb;
      into.set(u8.subarray(src, src + (hi - lo) * bb), (lo - lba) * bb);
    }
  }

  /**
   * The disk writer: writes the queued entries to `file` (at most `max`), in order, freeing
   * each as it goes. Returns how many it wrote.
   */
  drain(file: { write(b: Uint8Array, o: { at: number }): number }, max = Infinity): number {
    let n = 0;
    const u8 = new Uint8Array(this.memory.buffer);
    for (let k = this.word(DONE); k < this.word(ENQ) && n < max; k++) {
      const e = this.entry(k), len = this.w[e + 1] * this.blockBytes;
      const view = u8.subarray(this.ring + this.w[e + 2], this.ring + this.w[e + 2] + len);
      const wrote = file.write(view, { at: this.w[e] * this.blockBytes });
      if (wrote !== len) throw new Error(`write-behind: short write ${wrote} of ${len} bytes at block ${this.w[e]} (quota?)`);
      // Written first, counted out after: a reader that finds a block's count at 0 reads it from the file.
      for (let b = this.w[e]; b < this.w[e] + this.w[e + 1]; b++) Atomics.sub(this.w, this.counts + b, 1);
      Atomics.sub(this.w, this.base + BYTES, this.w[e + 3]);
      Atomics.add(this.w, this.base + DONE, 1);
      Atomics.notify(this.w, this.base + DONE);
      n++;
    }
    return n;
  }

  /** Sleeps (a worker) until something is queued past `seen` written, or `ms` pass. */
  waitQueued(ms: number): void {
    const enq = this.word(ENQ);
    if (enq !== this.word(DONE)) return;
    Atomics.wait(this.w, this.base + ENQ, enq, ms);
  }

  /** Blocks (a worker) until every entry queued before the call is written. */
  waitWritten(stop: () => boolean = () => false): void {
    const target = this.word(ENQ);
    for (;;) {
      const done = this.word(DONE);
      if (done - target >= 0 || stop()) return;
      Atomics.wait(this.w, this.base + DONE, done, 50);
    }
  }
}

/**
 * The P-VOL as 508 sees it with its writes behind: write() queues, read() reads the file
 * and lays the queued writes over it, flush() waits for the queue and flushes the file.
 */
export class WriteBehindDevice implements BlockDevice {
  readonly name: string;
  readonly blocks: number;
  readonly blockBytes: number;
  constructor(private readonly file: BlockDevice, private readonly q: WriteBehindQueue) {
    this.name = file.name;
    this.blocks = file.blocks;
    this.blockBytes = file.blockBytes;
  }

  read(lba: number, count: number, into: Uint8Array): void {
    this.q.read(this.file, lba, count, into);
  }

  write(lba: number, count: number, from: Uint8Array): void {
    checkRange(this, lba, count, from, 'write');
    if (count > 0) this.q.push(lba, count, from);
  }

  flush(): void {
    this.q.waitWritten();
    this.file.flush();
  }
}
