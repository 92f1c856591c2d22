/**
 * Runs one processor of the controller (501, 502, 503 or 508) inside its own worker
 * (issue 6): take the step lock, ask the processor for its next bounded step, run it, ring
 * the doorbell so the others look for work, repeat; with nothing to do, sleep on the
 * doorbell (Atomics.waitAsync, so the worker's Comlink control plane keeps answering
 * status calls) until another processor or a server changes shared memory 507.
 * No busy spinning when idle (issue 6).
 *
 * Coordination words sit in a small live control block after the 507 layout
 * (LiveBlock below), never inside the core's page or the controller's own layout.
 */
import type { Processor } from '../../array/context.ts';
import { yieldTask } from './ring.ts';
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
} as const;
export const LIVE_BLOCK_WORDS = 48;
export const ROLES = ['501', '502', '503', '508', '101', '102'] as const;

/** The shared words of the live runtime, at a 64-byte aligned offset in the memory. */
export class LiveBlock {
  readonly lock: Mutex;
  readonly bell: Doorbell;
  constructor(readonly memory: WebAssembly.Memory, readonly at: number) {
    this.lock = new Mutex(this.i32, (at >> 2) + LB.LOCK, (at >> 2) + LB.SERVING);
    this.bell = new Doorbell(this.i32, (at >> 2) + LB.BELL);
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
  }
  stopped(): boolean {
    return this.word(LB.STOP) !== 0;
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

/**
 * Whether the processor may have a step, judged without the lock. The look is a racy read
 * of 507, so it only decides whether to take the lock: the step itself is chosen again
 * under it. A null here cannot lose work: whoever makes work rings the doorbell after its
 * step, and the caller read the doorbell's generation before looking, so its sleep ends
 * at once. A look that throws on a half-written state counts as "maybe".
 */
function mightStep(proc: Processor): boolean {
  try {
    return proc.next() !== null;
  } catch {
    return true;
  }
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
): Promise<HostStats> {
  const stats: HostStats = { steps: 0, busyMs: 0, idleWaits: 0 };
  while (!live.stopped()) {
    const seen = live.bell.generation();
    const sliceEnd = performance.now() + SLICE_MS;
    const stepsBefore = stats.steps;
    let did = false;
    do {
      // Work on this worker's own state (its port queue, its journal) needs no lock.
      const own = unlocked?.() ?? false;
      const t0 = performance.now();
      // Always try a step after draining: a busy port must not starve the processor.
      // The lock is taken only when an unlocked look finds work (mightStep): an idle
      // processor woken by the doorbell no longer queues behind 508's long I/O steps just
      // to find nothing to do.
      const stepped = mightStep(proc) && live.lock.with(() => {
        const work = proc.next();
        if (!work) return false;
        work.run();
        afterStep?.();
        return true;
      });
      did = own || stepped;
      // Ring at once after a step: the processor waiting on it (501 for a copy before write
      // or a destage, 503 for a staged unit, the servers for an ack) must not sleep until
      // the end of this slice. Atomics.notify with nobody asleep costs next to nothing.
      if (stepped) live.bell.ring();
      if (did) {
        live.setWord(LB.IDLE0 + roleIndex, 0);
        const dt = performance.now() - t0;
        stats.steps++;
        stats.busyMs += dt;
        live.addWord(LB.STEPS0 + roleIndex, 1);
        live.addWord(LB.BUSY0 + roleIndex, Math.round(dt * 1000));
      }
    } while (did && performance.now() < sliceEnd && !live.stopped());
    // Own work (a drained port) may have published answers: ring for it too.
    if (stats.steps !== stepsBefore) live.bell.ring();
    if (did) {
      await yieldTask();
    } else {
      stats.idleWaits++;
      live.setWord(LB.IDLE0 + roleIndex, seen + 1);
      await live.bell.waitAsync(seen, IDLE_WAIT_MS);
    }
  }
  return stats;
}
