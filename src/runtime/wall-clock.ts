/**
 * Drives the sim runtime's virtual clock from the wall clock, for a controller that serves
 * real initiators (the iSCSI front end, docs/iscsi.md): virtual time follows real time, so
 * the background copy, the copies and the backups proceed as time passes, whether or not a
 * command arrives. Every event due by now runs; the next one is waited for with a timer, or
 * at the next turn of the event loop when it is due within a millisecond (the cost model's
 * steps are microseconds). A long catch-up yields to I/O every `sliceMs` of work. No node:*
 * import: it runs wherever setTimeout does.
 */

/** The part of the sim's clock (SimClock, sim-host.ts) the driver needs. */
export interface DrivenClock {
  now(): number;
  nextTime(): number;
  runNext(): boolean;
  advance(ms: number): void;
}

export interface WallClockOptions {
  /** Wall time in ms (default performance.now). */
  now?: () => number;
  /** Most wall-clock ms one turn of the event loop spends running events (default 20). */
  sliceMs?: number;
  /** An event that threw: the driver stops (the controller's state is no longer trusted). */
  onError?: (e: unknown) => void;
}

const soon: (f: () => void) => void =
  typeof setImmediate === 'function' ? (f) => { setImmediate(f); } : (f) => { setTimeout(f, 0); };

export class WallClockDriver {
  private readonly wall: () => number;
  private readonly sliceMs: number;
  private readonly onError: (e: unknown) => void;
  /** Wall time at virtual time 0. */
  private readonly origin: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private queued = false;
  private stopped = false;

  constructor(private readonly clock: DrivenClock, o: WallClockOptions = {}) {
    this.wall = o.now ?? (() => performance.now());
    this.sliceMs = o.sliceMs ?? 20;
    this.onError = o.onError ?? ((e) => { throw e; });
    this.origin = this.wall() - clock.now();
  }

  /** Virtual time the wall clock says it is. */
  target(): number { return this.wall() - this.origin; }

  /**
   * Before a command: if the controller has nothing to do, virtual time jumps to the wall
   * clock's at once, so the command starts at the real instant, not where time stood when
   * the controller went idle. (With events pending, the running driver catches up.)
   */
  sync(): void {
    if (this.stopped || Number.isFinite(this.clock.nextTime())) return;
    const target = this.target();
    if (target > this.clock.now()) this.clock.advance(target - this.clock.now());
  }

  /** Something was queued at the controller: run what is due, at the next turn. */
  poke(): void {
    if (this.stopped || this.queued) return;
    this.queued = true;
    soon(() => { this.queued = false; this.tick(); });
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    if (this.stopped) return;
    if (this.timer !== undefined) { clearTimeout(this.timer); this.timer = undefined; }
    const started = this.wall();
    try {
      const target = this.target();
      while (this.clock.nextTime() <= target) {
        this.clock.runNext();
        if (this.wall() - started > this.sliceMs) { this.poke(); return; }
      }
      if (target > this.clock.now()) this.clock.advance(target - this.clock.now());
    } catch (e) {
      this.stop();
      this.onError(e);
      return;
    }
    this.arm();
  }

  private arm(): void {
    const next = this.clock.nextTime();
    if (!Number.isFinite(next)) return; // idle until poked
    const wait = next - this.target();
    if (wait <= 1) { this.poke(); return; }
    this.timer = setTimeout(() => { this.timer = undefined; this.tick(); }, wait);
  }
}
