/**
 * Virtual time for the SCSI layer (the sim runs on a deterministic scheduler with a virtual
 * clock, docs/architecture.md#one-controller-two-runtimes). The copy manager and the wire
 * only need this small contract; the sim runtime's SimClock (src/runtime/sim-host.ts)
 * stands behind it, so the controller's processors take their steps as this time passes.
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
