/**
 * Runs one processor of the controller (501, 502, 503 or 508) inside its own worker, the
 * placement for machines with cores to spare (docs/live.md#who-runs-where; array-host.ts
 * runs all four in one): take the step lock, ask the processor for its next bounded step,
 * run it, ring the doorbell so the others look for work, repeat; with nothing to do, sleep
 * on the doorbell (Atomics.waitAsync, so the worker's Comlink control plane keeps answering
 * status calls) until another processor or a server changes shared memory 507. No busy
 * spinning when idle.
 *
 * Coordination words sit in a small live control block after the 507 layout
 * (LiveBlock below), never inside the core's page or the controller's own layout: the
 * step lock, the doorbells, the flush tickets (flusher.ts), per-role counts.
 */
import type { Processor, Work } from '../../array/context.ts';
import { yieldTask } from './mpmc-ring.ts';
import { Doorbell, Mutex } from './step-lock.ts';

/** Int32 word indices inside the live control block. */
export const LB = {
  LOCK: 0, // the step lock's next ticket
  SERVING: 4, // the step lock's ticket now served
  BELL: 1, // doorbell generation
  STOP: 2, // 1: every host leaves its loop
  STATE_GEN: 3, // bumped by a step that changed pair or backup state (metadata to persist)
  STEPS0: 8, // steps done, one word per role, in ROLES order
  BUSY0: 16, // µs spent inside steps, one word per role
  IDLE0: 24, // per role: 0 busy, else 1 + the doorbell generation it went to sleep at
  META_SEQ: 32, // sequence of the last metadata record (metadata-persister.ts)
  KEY0: 33, // 5 words: the state that record described
  URGENT: 38, // pair and backup commands sent by the servers and not yet answered to them
  ANSWER_BELL: 40, // doorbell of the servers: the array published answers in port 401's or 402's ring
  FLUSH_ASK: 41, // flush tickets handed out (flusher.ts)
  FLUSH_DONE: 42, // the last ticket a completed flush round covered
  FLUSH_BELL: 43, // wakes the flusher for a ticket
  TAPE_TICKET: 44, // the tape ticket of the last tapemark: the backup's end is answered once it is done
  DIFF_SAVED: 45, // bits set in the last snapshot of 514 written (differential-514-store.ts)
  TAPE_ASK: 46, // tape tickets handed out (flusher.ts: the tape's file alone is flushed for them)
  TAPE_DONE: 47, // the last tape ticket a completed flush of the tape covered
} as const;
export const LIVE_BLOCK_WORDS = 48;
export const ROLES = ['501', '502', '503', '508', '101', '102'] as const;

/** The shared words of the live runtime, at a 64-byte aligned offset in the memory. */
export class LiveBlock {
  readonly lock: Mutex;
  /** The array's doorbell: a command in a port, a step another processor waits for, a flush done. */
  readonly bell: Doorbell;
  /** The servers' doorbell: an answer in port 401's or 402's answer ring. */
  readonly answerBell: Doorbell;
  constructor(readonly memory: WebAssembly.Memory, readonly at: number) {
    this.lock = new Mutex(this.i32, (at >> 2) + LB.LOCK, (at >> 2) + LB.SERVING);
    this.bell = new Doorbell(this.i32, (at >> 2) + LB.BELL);
    this.answerBell = new Doorbell(this.i32, (at >> 2) + LB.ANSWER_BELL);
  }
  /** A fresh view each time: a grown memory has a new buffer. */
  get i32(): Int32Array {
    return new Int32Array(this.memory.buffer);
  }
  word(i: number): number {
    return Atomics.load(this.i32, (this.at >> 2) + i);
  }
  setWord(i: number, v: number): void {
    Atomics.store(this.i32, (this.at >> 2) + i, v);
  }
  addWord(i: number, v: number): void {
    Atomics.add(this.i32, (this.at >> 2) + i, v);
  }
  stop(): void {
    this.setWord(LB.STOP, 1);
    this.bell.ring();
    this.answerBell.ring();
    Atomics.add(this.i32, (this.at >> 2) + LB.FLUSH_BELL, 1);
    Atomics.notify(this.i32, (this.at >> 2) + LB.FLUSH_BELL);
  }
  stopped(): boolean {
    return this.word(LB.STOP) !== 0;
  }
  /** A pair or backup command is on its way: sent to port 401 or 402, its answer not yet with the servers. */
  commandWaiting(): boolean {
    return this.word(LB.URGENT) > 0;
  }
  /**
   * True when every listed role found nothing to do at the current doorbell generation:
   * nobody has rung since they went to sleep, so no step can be pending anywhere.
   */
  quiescent(roleIndexes: readonly number[]): boolean {
    const g = this.bell.generation();
    return roleIndexes.every((r) => this.word(LB.IDLE0 + r) === g + 1) && this.bell.generation() === g;
  }
}

export interface HostStats {
  steps: number;
  busyMs: number;
  idleWaits: number;
}

/** How long a worker keeps stepping before it lets its event loop run. */
const SLICE_MS = 8;
/** Safety net only: every state change rings the doorbell, so sleepers wake by notify. */
const IDLE_WAIT_MS = 250;
/** How long put-off background work sleeps before it looks again (the command's step rings). */
const DEFER_MS = 1;

/**
 * The processor's next step as seen without the lock. The look is a racy read of 507, so
 * it only decides whether to take the lock (or to put background work off): the step
 * itself is chosen again under it. A null here cannot lose work: whoever makes work rings
 * the doorbell after its step, and the caller read the doorbell's generation before
 * looking, so its sleep ends at once. A look that throws on a half-written state counts
 * as "maybe".
 */
function look(proc: Processor): Work | 'maybe' | null {
  try {
    return proc.next();
  } catch {
    return 'maybe';
  }
}

/** How long one hold of the step lock may run further steps once one is done. */
const HOLD_MS = 0.25;

/**
 * Runs steps under the lock (the caller holds it) while there are any, for up to HOLD_MS:
 * a burst of cheap steps (501's writes into cache) then costs one lock handoff instead of
 * one each, and a long step (508's I/O) still ends the hold. Each step is still whole and
 * followed by afterStep, exactly as when each took the lock alone. Returns the steps run.
 */
function runSteps(proc: Processor, live: LiveBlock, afterStep?: () => void): number {
  const t0 = performance.now();
  let n = 0;
  do {
    const work = proc.next();
    // An own step is left for the caller to run after the lock is let go (unless it is
    // the only step there is: then it runs here, so every hold makes progress). A
    // background step is left while a command waits or another processor waits for the lock.
    if (!work || (work.own && n > 0)) break;
    if (work.background && (live.commandWaiting() || (n > 0 && live.lock.waiters() > 0))) break;
    work.run();
    afterStep?.();
    n++;
  } while (performance.now() - t0 < HOLD_MS);
  return n;
}

/**
 * The loop of one processor's worker. `afterStep` runs under the lock right after each
 * step (the metadata persister uses it, so a state change is durable before any other
 * actor can observe it). `unlocked` does the worker's private work first (draining its
 * channel port into its own queue, journaling and flushing it) without holding the lock,
 * so a slow flush never stalls the other processors; it returns whether it did anything.
 */
export async function hostProcessor(
  proc: Processor, live: LiveBlock, roleIndex: number, afterStep?: () => void, unlocked?: () => boolean,
  halted: () => boolean = () => false,
): Promise<HostStats> {
  const stats: HostStats = { steps: 0, busyMs: 0, idleWaits: 0 };
  // `halted`: a worker fault (worker-faults.ts) asked this worker to stop before it is
  // terminated. It is looked at only here, between steps, never inside one: the worker then
  // leaves holding no ticket of the step lock and with no step of 507 half done.
  const stop = () => live.stopped() || halted();
  while (!stop()) {
    const seen = live.bell.generation();
    const sliceEnd = performance.now() + SLICE_MS;
    let did = false, deferred = false, loud = false;
    do {
      // Work on this worker's own state (its port queue, its journal) needs no lock.
      const own = unlocked?.() ?? false;
      const t0 = performance.now();
      // Then step until the processor has nothing left to do before draining again: 501's
      // drain ends in a journal flush (the writes' durability point, cache-journal.ts), so
      // a drain between every two steps would cost a flush per write and cap the client at
      // one write per flush. Writes that arrive meanwhile wait in the port for the next
      // drain, which journals them all with one flush (group commit).
      let steps = 0;
      for (;;) {
        // A step of the processor's own (Work.own: 503 streaming a READY unit to its tape)
        // runs without the lock, so it overlaps the other processors' steps on the other
        // core; it changes nothing another processor waits for, so nobody is woken for it.
        const mine = proc.nextOwn?.() ?? null;
        if (mine) {
          mine.run();
          steps++;
          if (performance.now() >= sliceEnd || stop()) break;
          continue;
        }
        // The lock is taken only when an unlocked look finds work: an idle processor woken
        // by the doorbell does not queue behind 508's I/O steps just to find nothing to do.
        const w = look(proc);
        // Background work (508's copy, its idle destage) gives way to a command in a port:
        // it sleeps a moment instead of taking the lock and the core from 501 or 502.
        if (w !== null && w !== 'maybe' && w.background && live.commandWaiting()) {
          deferred = true;
          break;
        }
        const n = w !== null ? live.lock.with(() => runSteps(proc, live, afterStep)) : 0;
        if (n === 0) break;
        steps += n;
        // Ring at once: the processor waiting on these steps (501 for a copy before write
        // or a destage, 503 for a staged unit, the servers for an ack) must not sleep until
        // the end of this slice. Not for steps that left nothing anyone waits for
        // (Processor.takeQuiet: 503 staging its own units): every ring wakes every sleeping
        // worker, and a streaming backup's holds woke four of them each time for nothing.
        if (proc.takeQuiet?.() !== true) {
          live.bell.ring();
          loud = true;
        }
        if (performance.now() >= sliceEnd || stop()) break;
      }
      did = own || steps > 0;
      loud ||= own;
      if (did) {
        live.setWord(LB.IDLE0 + roleIndex, 0);
        const dt = performance.now() - t0;
        stats.steps += Math.max(1, steps);
        stats.busyMs += dt;
        live.addWord(LB.STEPS0 + roleIndex, Math.max(1, steps));
        live.addWord(LB.BUSY0 + roleIndex, Math.round(dt * 1000));
      }
    } while (did && !deferred && performance.now() < sliceEnd && !stop());
    // Own work (a drained port) may have published answers: ring for it too.
    if (loud) live.bell.ring();
    if (did && !deferred) {
      await yieldTask();
    } else {
      // Put-off background work is not idleness: the run is not quiescent yet.
      if (!deferred) {
        stats.idleWaits++;
        live.setWord(LB.IDLE0 + roleIndex, seen + 1);
      }
      await live.bell.waitAsync(seen, deferred ? DEFER_MS : IDLE_WAIT_MS);
    }
  }
  // A halted processor is not idle: the run is not quiescent while its work waits in 507.
  if (halted()) live.setWord(LB.IDLE0 + roleIndex, 0);
  return stats;
}
