/**
 * Coordination words for processors hosted in separate workers (issue 6; DESIGN.md
 * "Concurrency"): a futex-style mutex and a doorbell, both single Int32 words in shared
 * memory, both sleeping in Atomics.wait / Atomics.waitAsync instead of spinning.
 *
 * Why a mutex at all: the controller's processors (src/array) are written as bounded steps
 * over shared memory 507 that the sim runs one at a time. Running each step under one lock
 * keeps every invariant the sim proves (the steps stay atomic with respect to each other),
 * while each processor still lives in its own worker, does its own device I/O and sleeps
 * on its own when it has nothing to do. Finer locking is possible only where the steps
 * themselves are written for true parallelism.
 *
 * Mutex: Drepper, "Futexes Are Tricky" (2011), mutex 2: 0 free, 1 locked, 2 locked with
 * possible waiters; unlock wakes one waiter only when the word said 2.
 * Doorbell: a generation counter; ring() bumps it and wakes all sleepers; a sleeper reads
 * the generation before looking for work and sleeps only if nobody rang since.
 */
import { waitAsync } from './ring.ts';

export class Mutex {
  constructor(private readonly w: Int32Array, private readonly i: number) {}

  /** Blocking acquire (workers only: Atomics.wait is forbidden on the page). */
  lock(): void {
    let c = Atomics.compareExchange(this.w, this.i, 0, 1);
    if (c === 0) return;
    if (c !== 2) c = Atomics.exchange(this.w, this.i, 2);
    while (c !== 0) {
      Atomics.wait(this.w, this.i, 2);
      c = Atomics.exchange(this.w, this.i, 2);
    }
  }

  /** Non-blocking acquire for the page: awaits Atomics.waitAsync while held. */
  async lockAsync(): Promise<void> {
    let c = Atomics.compareExchange(this.w, this.i, 0, 1);
    if (c === 0) return;
    if (c !== 2) c = Atomics.exchange(this.w, this.i, 2);
    while (c !== 0) {
      await waitAsync(this.w, this.i, 2, 1000);
      c = Atomics.exchange(this.w, this.i, 2);
    }
  }

  unlock(): void {
    if (Atomics.sub(this.w, this.i, 1) !== 1) {
      Atomics.store(this.w, this.i, 0);
      Atomics.notify(this.w, this.i, 1);
    }
  }

  /** Runs f under the lock (blocking acquire). */
  with<T>(f: () => T): T {
    this.lock();
    try {
      return f();
    } finally {
      this.unlock();
    }
  }
}

export class Doorbell {
  constructor(private readonly w: Int32Array, private readonly i: number) {}

  generation(): number {
    return Atomics.load(this.w, this.i);
  }

  /** Someone changed shared state others may act on: wake every sleeper. */
  ring(): void {
    Atomics.add(this.w, this.i, 1);
    Atomics.notify(this.w, this.i);
  }

  /** Sleeps (worker) until the generation moves past `seen` or the timeout passes. */
  wait(seen: number, timeoutMs: number): void {
    Atomics.wait(this.w, this.i, seen, timeoutMs);
  }

  /** Sleeps without blocking the event loop (page, or a worker that must keep serving Comlink). */
  async waitAsync(seen: number, timeoutMs: number): Promise<void> {
    await waitAsync(this.w, this.i, seen, timeoutMs);
  }
}
