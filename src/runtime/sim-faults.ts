/**
 * A scenario's faults in the sim (docs/scenario.md#faults): the device faults of
 * faults.ts, each armed at its virtual time by a step of the scheduler, and the `worker`
 * fault, a processor that takes no step until it is restarted.
 */
import type { Processor, Work } from '../array/context.ts';
import type { Fault } from '../scenario/schema.ts';
import { FaultInjector } from './faults.ts';
import type { Steppable } from './sim-scheduler.ts';

export type { FaultHit } from './faults.ts';

export class SimFaults extends FaultInjector implements Steppable {
  readonly actor = 'faults';

  /** Whether a `worker` fault has processor `actor` stopped now. */
  down(actor: string): boolean {
    const t = this.now();
    return this.faults.some((f) => f.kind === 'worker' && f.processor === actor && t >= f.at && t < f.at + f.downMs);
  }

  /** The processor as the scheduler sees it: no step while it is stopped. */
  gate(p: Processor): Steppable {
    if (!this.faults.some((f) => f.kind === 'worker' && f.processor === p.actor)) return p;
    return { actor: p.actor, next: () => (this.down(p.actor) ? null : p.next()) };
  }

  /** Wakes at every fault's time (and a stopped processor's restart) to log it. */
  next(): (Work & { idle: boolean }) | null {
    const t = this.now();
    let best = this.nextArming();
    for (const [i, f] of this.faults.entries()) {
      if (this.armed(i) && f.kind === 'worker' && this.hits[i].restartedAt === undefined) best = Math.min(best, f.at + f.downMs);
    }
    if (!Number.isFinite(best)) return null;
    return { cost: Math.max(0, best - t), idle: true, run: () => this.tick() };
  }

  private tick(): void {
    const t = this.now();
    for (const [i, f] of this.faults.entries()) {
      if (this.armOne(i)) this.stop(i, f, t);
      const h = this.hits[i];
      if (f.kind === 'worker' && this.armed(i) && h.restartedAt === undefined && t >= f.at + f.downMs) {
        h.restartedAt = t;
        this.log(f.processor, 'processor.restarted');
      }
    }
  }

  /** A `worker` fault armed: its processor stops. */
  private stop(i: number, f: Fault, t: number): void {
    if (f.kind !== 'worker') return;
    const h = this.hits[i];
    h.hits = 1;
    h.firstHitAt = t;
    h.io = `processor ${f.processor} stopped for ${f.downMs} ms`;
    this.log(f.processor, 'processor.failed', undefined, { downMs: f.downMs });
  }
}
