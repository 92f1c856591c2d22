/**
 * The live runtime's data plane (docs/architecture.md#concurrency): a bounded queue of
 * fixed-size records in shared memory, reachable by every worker and the page, so a client
 * write into cache, a copy request from 503 to 508 or a completion never goes through
 * postMessage.
 *
 * Algorithm: Dmitry Vyukov's bounded MPMC queue (every slot carries a sequence word that
 * says whose turn it is), written with Atomics on an Int32Array. Positions are 32-bit and
 * wrap; all comparisons use the signed difference, which stays exact while the capacity is
 * far below 2^31.
 *
 * Waiting: a consumer with nothing to do sleeps in Atomics.wait (workers) or awaits
 * Atomics.waitAsync (the page, where blocking is forbidden) on the `pushes` counter, which
 * every push bumps and notifies. Producers facing a full ring wait on `pops` the same way.
 * No busy spinning when idle: the workers share the cores with the page and the browser.
 *
 * Layout at byte offset `at` (16-byte aligned), all i32:
 *   [0] enqueue position   [1] dequeue position   [2] capacity (power of two)
 *   [3] record words       [4] pushes counter     [5] pops counter   [6..8) reserved
 *   then capacity slots of (1 + recordWords) words: sequence, record.
 */

const ENQ = 0;
const DEQ = 1;
const CAP = 2;
const REC = 3;
const PUSHES = 4;
const POPS = 5;
const HEADER_WORDS = 8;

/** Bytes a ring of `capacity` records of `recordWords` i32 words occupies. */
export function ringBytes(capacity: number, recordWords: number): number {
  checkShape(capacity, recordWords);
  return (HEADER_WORDS + capacity * (1 + recordWords)) * 4;
}

function checkShape(capacity: number, recordWords: number): void {
  if (!Number.isInteger(capacity) || capacity < 2 || capacity > 1 << 20 || (capacity & (capacity - 1)) !== 0) {
    throw new RangeError(`ring capacity must be a power of two in [2, 2^20], got ${capacity}`);
  }
  if (!Number.isInteger(recordWords) || recordWords < 1 || recordWords > 1024) {
    throw new RangeError(`ring record must be 1..1024 words, got ${recordWords}`);
  }
}

/** Outcome of a wait: woken or ready ('ok'), or the timeout ran out. */
export type WaitResult = 'ok' | 'timed-out';

export class MpmcRing {
  readonly capacity: number;
  readonly recordWords: number;
  private readonly w: Int32Array;
  private readonly base: number;
  private readonly mask: number;
  private readonly slotWords: number;

  private constructor(buffer: ArrayBufferLike, at: number) {
    if (at % 16 !== 0) throw new RangeError(`ring offset ${at} is not 16-byte aligned`);
    this.w = new Int32Array(buffer);
    this.base = at >> 2;
    this.capacity = Atomics.load(this.w, this.base + CAP);
    this.recordWords = Atomics.load(this.w, this.base + REC);
    checkShape(this.capacity, this.recordWords);
    this.mask = this.capacity - 1;
    this.slotWords = 1 + this.recordWords;
  }

  /** Lays out an empty ring at `at` (once, by whoever owns the memory map). */
  static init(buffer: ArrayBufferLike, at: number, capacity: number, recordWords: number): MpmcRing {
    checkShape(capacity, recordWords);
    const w = new Int32Array(buffer, at, ringBytes(capacity, recordWords) >> 2);
    w.fill(0);
    Atomics.store(w, CAP, capacity);
    Atomics.store(w, REC, recordWords);
    for (let i = 0; i < capacity; i++) Atomics.store(w, HEADER_WORDS + i * (1 + recordWords), i);
    return new MpmcRing(buffer, at);
  }

  /** Attaches to a ring another thread laid out at `at` in the same shared buffer. */
  static attach(buffer: ArrayBufferLike, at: number): MpmcRing {
    return new MpmcRing(buffer, at);
  }

  private seqIndex(pos: number): number {
    return this.base + HEADER_WORDS + (pos & this.mask) * this.slotWords;
  }

  /** Appends one record (its first recordWords values); false if the ring is full. */
  tryPush(record: ArrayLike<number>): boolean {
    const w = this.w;
    for (;;) {
      const pos = Atomics.load(w, this.base + ENQ);
      const s = this.seqIndex(pos);
      const dif = (Atomics.load(w, s) - pos) | 0;
      if (dif === 0) {
        if (Atomics.compareExchange(w, this.base + ENQ, pos, (pos + 1) | 0) !== pos) continue;
        for (let i = 0; i < this.recordWords; i++) w[s + 1 + i] = record[i] | 0;
        // The release store: a consumer that sees this sequence sees the record.
        Atomics.store(w, s, (pos + 1) | 0);
        Atomics.add(w, this.base + PUSHES, 1);
        Atomics.notify(w, this.base + PUSHES);
        return true;
      }
      if (dif < 0) return false; // full: the slot still holds a record from one lap ago
    }
  }

  /** Takes the oldest record into `out`; false if the ring is empty. */
  tryPop(out: Int32Array | number[]): boolean {
    const w = this.w;
    for (;;) {
      const pos = Atomics.load(w, this.base + DEQ);
      const s = this.seqIndex(pos);
      const dif = (Atomics.load(w, s) - ((pos + 1) | 0)) | 0;
      if (dif === 0) {
        if (Atomics.compareExchange(w, this.base + DEQ, pos, (pos + 1) | 0) !== pos) continue;
        for (let i = 0; i < this.recordWords; i++) out[i] = w[s + 1 + i];
        Atomics.store(w, s, (pos + this.capacity) | 0);
        Atomics.add(w, this.base + POPS, 1);
        Atomics.notify(w, this.base + POPS);
        return true;
      }
      if (dif < 0) return false;
    }
  }

  /** Records currently queued (a snapshot; exact when no one is pushing or popping). */
  size(): number {
    return (Atomics.load(this.w, this.base + ENQ) - Atomics.load(this.w, this.base + DEQ)) | 0;
  }

  /**
   * Blocking pop for workers: sleeps in Atomics.wait until a record arrives or `timeoutMs`
   * passes (Infinity: forever). Returns false only on timeout.
   */
  pop(out: Int32Array | number[], timeoutMs = Infinity): boolean {
    return this.blockUntil(PUSHES, () => this.tryPop(out), timeoutMs);
  }

  /** Blocking push for workers: waits while the ring is full. Returns false only on timeout. */
  push(record: ArrayLike<number>, timeoutMs = Infinity): boolean {
    return this.blockUntil(POPS, () => this.tryPush(record), timeoutMs);
  }

  /** Non-blocking pop for the page: awaits Atomics.waitAsync between attempts. */
  popAsync(out: Int32Array | number[], timeoutMs = Infinity): Promise<boolean> {
    return this.awaitUntil(PUSHES, () => this.tryPop(out), timeoutMs);
  }

  /** Non-blocking push for the page: awaits room. */
  pushAsync(record: ArrayLike<number>, timeoutMs = Infinity): Promise<boolean> {
    return this.awaitUntil(POPS, () => this.tryPush(record), timeoutMs);
  }

  /**
   * Retries `attempt` until it succeeds, sleeping on `counter` (pushes or pops) between
   * tries. The counter is read before the attempt, so a change in between is never missed.
   */
  private blockUntil(counter: number, attempt: () => boolean, timeoutMs: number): boolean {
    const deadline = timeoutMs === Infinity ? Infinity : now() + timeoutMs;
    for (;;) {
      const seen = Atomics.load(this.w, this.base + counter);
      if (attempt()) return true;
      const left = deadline - now();
      if (left <= 0) return false;
      Atomics.wait(this.w, this.base + counter, seen, left);
    }
  }

  /** blockUntil for the page, where blocking is forbidden. */
  private async awaitUntil(counter: number, attempt: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = timeoutMs === Infinity ? Infinity : now() + timeoutMs;
    for (;;) {
      const seen = Atomics.load(this.w, this.base + counter);
      if (attempt()) return true;
      const left = deadline - now();
      if (left <= 0) return false;
      await waitAsync(this.w, this.base + counter, seen, left);
    }
  }
}

function now(): number {
  return performance.now();
}

/** Atomics.waitAsync where it exists (Chromium, Node ≥ 16); else a short sleep. */
export async function waitAsync(w: Int32Array, index: number, value: number, timeoutMs: number): Promise<WaitResult> {
  const t = Math.min(timeoutMs, 2 ** 31 - 1);
  type WaitAsync = (a: Int32Array, i: number, v: number, t: number) =>
    { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };
  const wa = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;
  if (wa) {
    const r = wa(w, index, value, t);
    if (!r.async) {
      // Answered at once ('not-equal' or a zero timeout): still give the event loop a turn,
      // or a busy caller would never let its Comlink messages in (microtasks alone starve it).
      await yieldTask();
      return r.value === 'timed-out' ? 'timed-out' : 'ok';
    }
    return (await r.value) === 'timed-out' ? 'timed-out' : 'ok';
  }
  // Firefox before 145 lacks waitAsync: a bounded sleep keeps the page from spinning.
  await new Promise((res) => setTimeout(res, Math.min(t, 4)));
  return 'ok';
}

/**
 * One macrotask: lets queued messages run. A MessageChannel task has no timer clamp. One
 * channel per thread, made once: a channel is a pair of the browser's message pipes, and
 * making and closing one per yield cost the live workers several times the yield itself.
 */
let yieldChannel: MessageChannel | null = null;
const yieldWaiters: (() => void)[] = [];
export function yieldTask(): Promise<void> {
  if (!yieldChannel) {
    yieldChannel = new MessageChannel();
    yieldChannel.port1.onmessage = () => yieldWaiters.shift()?.();
  }
  const ch = yieldChannel;
  return new Promise((res) => {
    yieldWaiters.push(res);
    ch.port2.postMessage(null);
  });
}
