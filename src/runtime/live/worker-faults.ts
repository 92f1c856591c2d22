/**
 * A scenario's `worker` faults in the live runtime (docs/scenario.md#faults, docs/live.md
 * "A processor's worker terminated"): which ones the live runtime can play, in what order,
 * and what it reports about each (the FaultHit of src/runtime/sim-faults.ts, the events
 * `fault.armed`, `processor.failed` and `processor.restarted` the sim logs too). The page
 * side that halts, terminates and restarts the workers is web/live/live-worker-faults.ts;
 * this file holds only what can be decided without a browser.
 */
import type { Actor, SimEvent } from '../../array/events.ts';
import type { Fault } from '../../scenario/schema.ts';
import type { FaultHit } from '../faults.ts';

export type WorkerFault = Extract<Fault, { kind: 'worker' }>;
type Proc = WorkerFault['processor'];

/**
 * The processors whose worker the live runtime can terminate and restart correctly: a
 * fresh worker rebuilds everything the processor needs from 507 and the files (508:
 * restart-508.ts; 503: its tape's end found again, awstape-resume.ts, a catalogued
 * backup's runs and a restore's plan made again, Channel503.carryOn; 501: its cache
 * journal carried on from the file, cache-journal.ts `resume`; 502: the job 511 holds and
 * no 502 has reported, Port402.carryOn). 501's and 502's workers are halted only between
 * commands (Port401.quiet, Port402.quiet), when they hold nothing else of their own.
 */
export const RESTARTABLE: readonly Proc[] = ['508', '503', '501', '502'];

export function workerFaults(faults: readonly Fault[] | undefined): WorkerFault[] {
  return (faults ?? []).filter((f): f is WorkerFault => f.kind === 'worker');
}

/**
 * Why the live runtime cannot play these worker faults, or null. A worker fault needs a
 * worker per processor (only a processor that has a worker of its own can lose it), and
 * so shared handles (live-bridge.ts: arrayWorkers 4).
 */
export function workerFaultRefusal(faults: readonly Fault[] | undefined,
  o: { shareHandles: boolean; arrayWorkers?: 1 | 4; resume?: boolean }): string | null {
  const ws = workerFaults(faults);
  if (ws.length === 0) return null;
  if (o.resume) return 'a resumed run plays no faults';
  if (!o.shareHandles) return 'a worker fault needs a worker per processor, and so shared (readwrite-unsafe) handles, which were not asked for';
  if (o.arrayWorkers === 1) return 'a worker fault needs a worker per processor (arrayWorkers: 4): with one worker for all four, no processor has a worker of its own to lose';
  return null;
}

/** The faults in the order they are played: by `at`, then as the scenario lists them. */
export function playOrder(faults: readonly Fault[] | undefined): { index: number; fault: WorkerFault }[] {
  const all = (faults ?? []).map((f, index) => ({ index, f }));
  return all.filter((x) => x.f.kind === 'worker').sort((a, b) => a.f.at - b.f.at || a.index - b.index)
    .map(({ index, f }) => ({ index, fault: f as WorkerFault }));
}

/**
 * The run's record of its worker faults: one FaultHit per fault of the scenario (the
 * others stay at no hits, as the sim reports a fault that never met its I/O) and the
 * events, in the sim's words, for the run's log.
 */
export class WorkerFaultRecord {
  readonly hits: FaultHit[];
  readonly events: SimEvent[] = [];

  constructor(faults: readonly Fault[]) {
    this.hits = faults.map((f) => ({ kind: f.kind, at: f.at, hits: 0, firstHitAt: -1 }));
  }

  /** The processor's worker halted at a step boundary at `t` and was terminated. */
  failed(index: number, f: WorkerFault, t: number, worker: string): void {
    const h = this.hits[index];
    h.hits = 1;
    h.firstHitAt = t;
    h.io = `processor ${f.processor}'s worker terminated for ${f.downMs} ms`;
    this.log(t, f.processor, 'fault.armed', { kind: f.kind });
    this.log(t, f.processor, 'processor.failed', { downMs: f.downMs, worker });
  }

  /** A fresh worker of the processor took its first step at `t`. */
  restarted(index: number, f: WorkerFault, t: number, worker: string): void {
    this.hits[index].restartedAt = t;
    this.log(t, f.processor, 'processor.restarted', { worker });
  }

  private log(t: number, actor: Actor, ev: string, detail: SimEvent['detail']): void {
    this.events.push({ t, actor, ev, ...(detail ? { detail } : {}) });
  }
}
