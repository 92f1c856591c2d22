/**
 * Virtual time for the SCSI layer (DESIGN.md "sim": a deterministic scheduler with a
 * virtual clock). The copy manager and the wire only need this small contract; the sim
 * runtime's scheduler can stand behind it, and VirtualClock is the standalone one used
 * when the target runs over plain block devices.
 */
export interface Clock {
  /** Current virtual time, ms. */
  now(): number;
  /** Runs fn once virtual time reaches now() + ms (ms ≥ 0); equal times run in FIFO order. */
  after(ms: number, fn: () => void): void;
  /** Runs the earliest pending event, moving time to it; false if nothing is pending. */
  runNext(): boolean;
  /** Runs every event due up to now() + ms, then sets time to now() + ms. */
  advance(ms: number): void;
}

interface Timer { t: number; seq: number; fn: () => void }

export class VirtualClock implements Clock {
  private t = 0;
  private seq = 0;
  private readonly queue: Timer[] = [];

  now(): number { return this.t; }

  after(ms: number, fn: () => void): void {
    const t = this.t + Math.max(0, Number.isFinite(ms) ? ms : 0);
    const timer = { t, seq: this.seq++, fn };
    // Sorted insert keeps runNext O(1); queues here hold a handful of timers.
    let i = this.queue.length;
    while (i > 0 && (this.queue[i - 1]!.t > t)) i--;
    this.queue.splice(i, 0, timer);
  }

  runNext(): boolean {
    const next = this.queue.shift();
    if (!next) return false;
    this.t = Math.max(this.t, next.t);
    next.fn();
    return true;
  }

  advance(ms: number): void {
    const end = this.t + Math.max(0, ms);
    while (this.queue.length > 0 && this.queue[0]!.t <= end) this.runNext();
    this.t = end;
  }

  /** Number of pending events (tests, and the wire's idle check). */
  pending(): number { return this.queue.length; }
}
