/**
 * Coordination words for processors hosted in separate workers
 * (docs/architecture.md#concurrency): a futex-style mutex and a doorbell, both single Int32
 * words in shared memory, both sleeping in Atomics.wait / Atomics.waitAsync instead of
 * spinning.
 *
 * Why a mutex at all: the controller's processors (src/array) are written as bounded steps
 * over shared memory 507 that the sim runs one at a time. Running each step under one lock
 * keeps every invariant the sim proves (the steps stay atomic with respect to each other),
 * while each processor still lives in its own worker, does its own device I/O and sleeps
 * on its own when it has nothing to do. Finer locking is possible only where the steps
 * themselves are written for true parallelism.
 *
 * Mutex: a ticket lock (Mellor-Crummey & Scott, 1991) sleeping in Atomics.wait on the
 * "now serving" word. It is FIFO on purpose: an unfair futex mutex let a processor in a
 * busy slice re-take the lock before a woken waiter could, starving 501 for hundreds of ms.
 * Doorbell: a generation counter; ring() bumps it and wakes all sleepers; a sleeper reads
 * the generation before looking for work and sleeps only if nobody rang since.
 */
import { waitAsync } from './mpmc-ring.ts';

export class Mutex {
  /** `ticket`: next ticket to hand out; `serving`: the ticket that holds the lock. */
  constructor(private readonly w: Int32Array, private readonly ticket: number, private readonly serving: number) {}

  /** Blocking acquire (workers only: Atomics.wait is forbidden on the page). */
  lock(): void {
    const mine = Atomics.add(this.w, this.ticket, 1);
    for (;;) {
      const now = Atomics.load(this.w, this.serving);
      if (now === mine) return;
      Atomics.wait(this.w, this.serving, now);
    }
  }

  /** Non-blocking acquire for the page: awaits Atomics.waitAsync until its turn. */
  async lockAsync(): Promise<void> {
    const mine = Atomics.add(this.w, this.ticket, 1);
    for (;;) {
      const now = Atomics.load(this.w, this.serving);
      if (now === mine) return;
      await waitAsync(this.w, this.serving, now, 1000);
    }
  }

  /** Workers waiting for the lock besides its holder (a racy count, for yielding only). */
  waiters(): number {
    return Atomics.load(this.w, this.ticket) - Atomics.load(this.w, this.serving) - 1;
  }

  unlock(): void {
    Atomics.add(this.w, this.serving, 1);
    // Every waiter checks whether the new number is its ticket (a handful of workers at most).
    Atomics.notify(this.w, this.serving);
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
