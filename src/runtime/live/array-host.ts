/**
 * The array's processors in one worker (docs/live.md#who-runs-where). A real array maps its
 * microprogram's roles onto however many processors it has; on a machine with few cores the
 * live runtime maps 501, 502, 503 and 508 onto one worker: one thread runs their steps one
 * at a time, exactly as the sim's scheduler does, so no step lock is needed and no step
 * waits for another worker to wake. The controller's code is the very same.
 *
 * One round: drain the ports (the writes are journaled on the way in, port-adapters.ts);
 * 501's and 502's steps, which are short, while they have any; then 508's and 503's, which
 * do the I/O, each for a quarter of a millisecond at most (BACK_BUDGET_MS, one step at
 * least); then the ports again. A write that arrives waits for little more than that. With nothing to do the worker spins a few microseconds on
 * the doorbell (a command often follows at once), then sleeps in Atomics.wait until the
 * servers or the flusher ring. Every SLICE_MS it lets its event loop run (its control plane:
 * the page drains events, asks for progress, stops it).
 */
import type { Processor } from '../../array/context.ts';
import type { Actor } from '../../array/events.ts';
import { yieldTask } from './mpmc-ring.ts';
import { LB, type HostStats, type LiveBlock } from './processor-host.ts';

export interface ArrayMember {
  proc: Processor;
  /** Index into ROLES (the live block's per-role words). */
  roleIndex: number;
  /** Runs until it has no step left in a round (501 and 502); else within BACK_BUDGET_MS a round. */
  front: boolean;
}

export interface ArrayParts {
  /** In the order they get their turn: 501, 502, then 508 and 503. */
  members: ArrayMember[];
  /** Drains the channel ports; true if it took anything. */
  pull(): boolean;
  /** After every step of `actor`'s: the metadata record if the state changed, then the answers. */
  afterStep(actor: Actor): void;
  /** Answers held for a flush ticket: not idle, and the flusher rings when it is done. */
  holding(): boolean;
  /** Each round: the inline flusher's periodic round (exclusive handles only), the faults due (live-faults.ts). */
  tick?(): void;
  /**
   * After a processor's steps in a round: rings the servers' doorbell if answers went out
   * (once per burst, not per answer: each ring may be a futex wake of the servers' worker).
   */
  endBurst(): void;
}

/** How long the worker keeps stepping before it lets its event loop run. */
const SLICE_MS = 4;
/** A processor's steps per round at most. */
const FRONT_BURST = 64;
/**
 * 508 and 503 step on in a round while they are within this budget (one step at least): a
 * backup's bookkeeping steps are short, and one step per round made a backup take a round
 * per step behind the client's writes (measured 359 against 224 ms for the preset's E1
 * backup, the client writing 5000 times a second).
 */
const BACK_BUDGET_MS = 0.25;
/** How long an idle worker looks at the doorbell before it sleeps (a syscall each way). */
const SPIN_MS = 0.02;
/**
 * Lazy steps (508's idle destage, Work.lazy) wait until nothing else ran for this long: while
 * the client writes, dirty blocks stay in cache until 508's own threshold destages them, so
 * a block written again is destaged once and runs grow longer.
 */
const LAZY_AFTER_MS = 2;

export async function hostArray(parts: ArrayParts, live: LiveBlock): Promise<HostStats> {
  const stats: HostStats = { steps: 0, busyMs: 0, idleWaits: 0 };
  const { members } = parts;
  const steps = new Int32Array(members.length);
  const busy = new Float64Array(members.length);
  const flushCounts = () => {
    members.forEach((m, i) => {
      if (steps[i]) live.addWord(LB.STEPS0 + m.roleIndex, steps[i]);
      if (busy[i]) live.addWord(LB.BUSY0 + m.roleIndex, Math.round(busy[i] * 1000));
    });
    steps.fill(0);
    busy.fill(0);
  };
  await yieldTask(); // the caller's answer (start) goes out first
  let lastWork = performance.now();
  while (!live.stopped()) {
    const sliceEnd = performance.now() + SLICE_MS;
    while (!live.stopped() && performance.now() < sliceEnd) {
      const seen = live.bell.generation();
      parts.tick?.();
      let did = parts.pull(), held = false;
      for (let i = 0; i < members.length; i++) {
        const m = members[i];
        const tStart = performance.now();
        for (let k = 0; k < FRONT_BURST; k++) {
          if (!m.front && k > 0 && performance.now() - tStart >= BACK_BUDGET_MS) break;
          const w = m.proc.next();
          if (!w) break;
          if (w.lazy && performance.now() - lastWork < LAZY_AFTER_MS) { held = true; break; }
          const t0 = performance.now();
          w.run();
          parts.afterStep(m.proc.actor);
          const dt = performance.now() - t0;
          busy[i] += dt;
          stats.busyMs += dt;
          steps[i]++;
          stats.steps++;
          did = true;
        }
        parts.endBurst();
      }
      if (did) {
        for (const m of members) live.setWord(LB.IDLE0 + m.roleIndex, 0);
        lastWork = performance.now();
        continue;
      }
      // Nothing to do: idle (unless answers wait for a flush or a lazy step waits), a short
      // spin, then sleep.
      if (!parts.holding() && !held) for (const m of members) live.setWord(LB.IDLE0 + m.roleIndex, seen + 1);
      const spinEnd = performance.now() + SPIN_MS;
      while (live.bell.generation() === seen && performance.now() < spinEnd) { /* spin */ }
      if (live.bell.generation() !== seen) continue;
      stats.idleWaits++;
      const until = held ? Math.min(sliceEnd, lastWork + LAZY_AFTER_MS) : sliceEnd;
      live.bell.wait(seen, Math.max(0.05, until - performance.now()));
    }
    flushCounts();
    await yieldTask();
  }
  flushCounts();
  return stats;
}
