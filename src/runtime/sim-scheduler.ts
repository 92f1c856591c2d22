/**
 * The deterministic scheduler of the sim runtime
 * (docs/architecture.md#one-controller-two-runtimes): every actor in one thread, a virtual
 * clock, no Math.random and no Date.now. An idle actor offers its next step (a Work of
 * `cost` ms); the step's run() happens when the clock reaches offer time + cost, so a
 * processor is busy for as long as its step takes and others act meanwhile. Ties go to the
 * step offered first, then actor order. At most one step per actor is outstanding, so a
 * linear scan is the whole queue.
 */
import type { Work } from '../array/context.ts';

export interface Steppable {
  readonly actor: string;
  next(): (Work & { idle?: boolean }) | null;
}

interface Pending { t: number; seq: number; run: () => void; idle: boolean }

export class Scheduler {
  now = 0;
  steps = 0;
  private seq = 0;
  private readonly pending: (Pending | null)[];

  constructor(private readonly actors: readonly Steppable[]) {
    this.pending = actors.map(() => null);
  }

  /** Lets every idle actor offer its next step at the current time. */
  private offer(): void {
    for (let i = 0; i < this.actors.length; i++) {
      if (this.pending[i]) continue;
      const w = this.actors[i].next();
      if (w) this.pending[i] = { t: this.now + Math.max(0, w.cost), seq: this.seq++, run: w.run, idle: !!w.idle };
    }
  }

  private earliest(): number {
    let best = -1;
    for (let i = 0; i < this.pending.length; i++) {
      const p = this.pending[i];
      if (!p) continue;
      const b = best >= 0 ? this.pending[best]! : null;
      if (!b || p.t < b.t || (p.t === b.t && p.seq < b.seq)) best = i;
    }
    return best;
  }

  /** Time of the next step, or Infinity when nothing is left to do. */
  nextTime(): number {
    this.offer();
    const i = this.earliest();
    return i < 0 ? Infinity : this.pending[i]!.t;
  }

  /** Runs the next step; false when the run is finished. */
  step(): boolean {
    this.offer();
    const i = this.earliest();
    if (i < 0) return false;
    const p = this.pending[i]!;
    this.pending[i] = null;
    this.now = p.t;
    this.steps++;
    p.run();
    return true;
  }

  /** Actors in the middle of a step (sleeping servers do not count). */
  busy(): string[] {
    return this.actors.filter((_, i) => this.pending[i] && !this.pending[i]!.idle).map((a) => a.actor);
  }
}
