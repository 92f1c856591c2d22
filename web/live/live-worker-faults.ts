/**
 * A scenario's `worker` faults played by the page (docs/scenario.md#faults, docs/live.md
 * "A processor's worker terminated"): at the fault's time the named processor's worker is
 * really terminated (Worker.terminate()), and after `downMs` a fresh worker of that
 * processor is spawned, attaches to the running shared memory 507 and the run's OPFS files
 * without seeding or clearing anything (ProcessorInit.restart, src/runtime/live/roles.ts),
 * and starts on the run's clock. Meanwhile the other processors carry on; the work for the
 * stopped one waits where it always waits, in 507's queues and the port rings.
 *
 * Why the worker is first asked to halt at a step boundary, and only then terminated: the
 * processors share 507 under one step lock (src/runtime/live/step-lock.ts), a ticket lock
 * whose next ticket is served only by its holder's unlock. A worker killed while holding the
 * lock, or while waiting in line with a ticket, would stop every other processor for good,
 * and one killed half-way through a step would leave 507 half updated (a bitmap cleared
 * before its copy was counted, a queue entry popped and not served), which no restart can
 * tell from a consistent state. A real array's processors fail over at such a boundary too,
 * their microprogram's state being in the shared memory. So the halt is asked for, looked at
 * only between steps (processor-host.ts), and what the worker still holds in its own memory
 * is lost with it, as a crash loses it: a processor is halted only where its state is all in
 * 507 and the files (501 and 502 between two commands, RESTARTABLE in
 * src/runtime/live/worker-faults.ts); a fault the live runtime cannot play so is refused
 * before the run starts. The one thing handed over at the halt is the events the
 * worker logged and had not yet passed on: the run's log, not the processor's state.
 */
import * as Comlink from 'comlink';
import type { SimEvent } from '../../src/array/events.ts';
import { LB, ROLES, type LiveBlock } from '../../src/runtime/live/processor-host.ts';
import type { ProcessorInit, Role } from '../../src/runtime/live/roles.ts';
import { WorkerFaultRecord, playOrder, workerFaultRefusal, workerFaults, type WorkerFault } from '../../src/runtime/live/worker-faults.ts';
import type { Fault, Scenario } from '../../src/scenario/schema.ts';
import type { ProcessorWorkerApi } from './processor-worker.ts';

type Remote = Comlink.Remote<ProcessorWorkerApi>;

/** What the run gives the faults: its processors' workers (replaced in place on a restart). */
export interface FaultRun {
  live: LiveBlock;
  /** One entry per processor (a worker each): its Comlink proxy and its Worker. */
  procs: Remote[];
  procWorkers: Worker[];
  roles: Role[];
  /** Every worker of the run, terminated when it ends (a restarted worker joins it). */
  workers: Worker[];
  /** The init of a processor's worker, as the run made it. */
  initOf(role: Role): ProcessorInit;
  /** Where the events of a halted worker go (the run's log). */
  drained: SimEvent[];
}

/** One worker restarted, for the live figures (live-bridge.ts LiveFigures.workerRestarts). */
export interface WorkerRestart {
  processor: Role;
  failedAt: number;
  restartedAt: number;
  /** The instance ids (processor-worker.ts) of the terminated worker and of its successor. */
  terminated: string;
  started: string;
  /** The processor's steps (the live block's count, kept across workers) when its new worker started. */
  stepsAtRestart: number;
}

/** A processor whose worker is down answers the run's event polls with nothing. */
const DOWN = { drainEvents: async () => [] as SimEvent[] } as unknown as Remote;

export class LiveWorkerFaults {
  readonly record: WorkerFaultRecord;
  readonly restarts: WorkerRestart[] = [];
  /** Processor workers spawned by restarts, and workers terminated by faults. */
  spawned = 0;
  terminated = 0;
  private readonly chains = new Map<Role, Promise<void>>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly wakers = new Set<() => void>();
  private epoch = 0;
  private ending = false;
  private error: unknown = null;

  constructor(readonly run: FaultRun, private readonly faults: readonly Fault[]) {
    this.record = new WorkerFaultRecord(faults);
  }

  /** Arms every worker fault on the run's clock: t = 0 is `epoch` (timeOrigin-based ms). */
  start(epoch: number): void {
    this.epoch = epoch;
    const now = () => performance.timeOrigin + performance.now() - epoch;
    // One chain per processor: its faults in order, each after the last one's restart.
    for (const { index, fault } of playOrder(this.faults)) {
      const role = fault.processor;
      const prev = this.chains.get(role) ?? Promise.resolve();
      this.chains.set(role, prev.then(() => this.play(index, fault, now)).catch((e: unknown) => {
        this.error ??= e;
        this.run.live.stop(); // the run cannot go on without the processor: end it, say why
      }));
    }
  }

  /**
   * The script has ended: a fault not yet armed is never played (it stays at no hits, as
   * in the sim); one being played is waited for until its worker is back. Throws what went
   * wrong restarting a worker.
   */
  async finish(): Promise<void> {
    this.ending = true;
    for (const w of [...this.wakers]) w();
    await Promise.all(this.chains.values());
    if (this.error) throw this.error;
  }

  /**
   * Resolves at `t` on the run's clock: true, or false when the run was stopped. `armed`
   * (a fault not yet armed) also ends early, false, once the script has ended (finish()).
   */
  private until(t: number, now: () => number, armed: boolean): Promise<boolean> {
    return new Promise((res) => {
      const stopped = () => this.run.live.stopped() || (armed && this.ending);
      if (stopped()) { res(false); return; }
      const done = (ok: boolean) => { this.wakers.delete(wake); clearTimeout(timer); this.timers.delete(timer); res(ok); };
      const wake = () => { if (armed) done(false); };
      const timer = setTimeout(() => done(!stopped()), Math.max(0, t - now()));
      this.timers.add(timer);
      this.wakers.add(wake);
    });
  }

  private async play(index: number, f: WorkerFault, now: () => number): Promise<void> {
    if (!(await this.until(f.at, now, true))) return;
    const { run } = this;
    const i = run.roles.indexOf(f.processor);
    const old = run.procs[i];
    // From here on the run's event polls do not reach the worker being halted (a call
    // pending when it is terminated would never be answered); calls already sent are
    // answered before halt(), which the worker takes after them.
    run.procs[i] = DOWN;
    const halted = await old.halt();
    run.drained.push(...halted.events);
    run.procWorkers[i].terminate();
    this.terminated++;
    const failedAt = now();
    this.record.failed(index, f, failedAt, halted.worker);
    run.drained.push(...this.record.events.splice(0));
    // Down for downMs from the failure, then a fresh worker, whatever the script does
    // meanwhile: the run cannot end with a processor missing.
    if (!(await this.until(failedAt + f.downMs, now, false))) return;
    const w = new Worker(new URL('./processor-worker.ts', import.meta.url), { type: 'module' });
    run.workers.push(w);
    run.procWorkers[i] = w;
    this.spawned++;
    const fresh = Comlink.wrap<ProcessorWorkerApi>(w);
    const r = await fresh.init({ ...run.initOf(f.processor), restart: true });
    // Steps counted from here on are the new worker's: the old one is gone.
    const stepsAtRestart = run.live.word(LB.STEPS0 + ROLES.indexOf(f.processor));
    // The fresh worker's own clock says when it began: it may step, and log, before the page hears back.
    const restartedAt = await fresh.start(this.epoch);
    run.procs[i] = fresh;
    this.record.restarted(index, f, restartedAt, r.worker);
    run.drained.push(...this.record.events.splice(0));
    run.drained.sort((a, b) => a.t - b.t);
    this.restarts.push({ processor: f.processor, failedAt, restartedAt, terminated: halted.worker, started: r.worker, stepsAtRestart });
  }
}

/** A worker fault runs one worker per processor (only such a worker can be lost): 4, or null without one. */
export function workerFaultPlacement(s: Scenario, shareHandles: boolean): 4 | null {
  return workerFaults(s.faults).length && shareHandles ? 4 : null;
}

/** Refuses, before anything is written, worker faults the live runtime cannot play (worker-faults.ts). */
export function checkWorkerFaults(s: Scenario, o: { shareHandles: boolean; arrayWorkers?: 1 | 4; resume?: boolean }): void {
  const why = workerFaultRefusal(s.faults, o);
  if (why) throw new Error(why);
}

/** The run's worker faults, or null when it has none. */
export function workerFaultsOf(s: Scenario, run: FaultRun): LiveWorkerFaults | null {
  return workerFaults(s.faults).length ? new LiveWorkerFaults(run, s.faults ?? []) : null;
}

/** What the live figures say about the worker faults (nothing without them). */
export function workerFaultFigures(f: LiveWorkerFaults | null): { processorWorkers?: { spawned: number; terminated: number }; workerRestarts?: WorkerRestart[] } {
  if (!f) return {};
  return { processorWorkers: { spawned: f.run.procs.length + f.spawned, terminated: f.terminated }, workerRestarts: f.restarts.slice() };
}
