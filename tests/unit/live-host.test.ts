import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { LB, LiveBlock } from '../../src/runtime/live/processor-host.ts';

const WORKER = new URL('./live-host-worker-node.mjs', import.meta.url);

interface Stats { steps: number; busyMs: number; idleWaits: number }

/**
 * Waits until `cond` holds. A host counts its steps in LB.STEPS0 after each slice, not after
 * each step, so an empty budget does not yet mean the steps are counted: tests wait for the
 * counts themselves.
 */
async function until(cond: () => boolean, what: string): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > 30_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('processor host (one processor per worker, steps under the shared lock)', () => {
  it('two hosts never interleave steps, sleep when idle, and wake when work appears', async () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
    const at = 1024;
    const counterIndex = 16;
    const budgetIndex = 17;
    const i32 = new Int32Array(memory.buffer);
    const live = new LiveBlock(memory, at);
    const start = (role: string) => {
      const w = new Worker(WORKER, { workerData: { memory, at, counterIndex, budgetIndex, role } });
      return new Promise<Stats>((res, rej) => { w.once('message', res); w.once('error', rej); });
    };
    const done = [start('501'), start('508')];
    // Work arrives in two bursts; between them the hosts must sleep, not spin.
    const stepsDone = () => live.word(LB.STEPS0) + live.word(LB.STEPS0 + 1);
    Atomics.store(i32, budgetIndex, 400);
    live.bell.ring();
    await until(() => stepsDone() === 400, '400 steps counted');
    const stepsAfterFirst = stepsDone();
    await new Promise((r) => setTimeout(r, 300));
    // Nothing to do for 300 ms: no steps happened (a spinning host would still not step,
    // so idle waits are checked below from the hosts' own counts).
    expect(stepsDone()).toBe(stepsAfterFirst);
    Atomics.store(i32, budgetIndex, 300);
    live.bell.ring();
    await until(() => stepsDone() === 700, '700 steps counted');
    live.stop();
    const [a, b] = await Promise.all(done);
    // Mutual exclusion: no lost update of the non-atomic counter.
    expect(i32[counterIndex]).toBe(700);
    expect(a.steps + b.steps).toBe(700);
    // Idle without spinning: a few doorbell sleeps per host over ~300 ms idle, not thousands.
    expect(a.idleWaits + b.idleWaits).toBeLessThan(40);
  });

  it('background steps give way while a command waits in a port, and resume without a doorbell', async () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
    const at = 1024, counterIndex = 16, budgetIndex = 17;
    const i32 = new Int32Array(memory.buffer);
    const live = new LiveBlock(memory, at);
    const w = new Worker(WORKER, { workerData: { memory, at, counterIndex, budgetIndex, role: '508', background: true } });
    const done = new Promise<Stats>((res, rej) => { w.once('message', res); w.once('error', rej); });
    const steps = () => live.word(LB.STEPS0 + 1);
    // The host is up and steps background work while no command waits.
    Atomics.store(i32, budgetIndex, 5);
    live.bell.ring();
    await until(() => steps() === 5, 'the first 5 background steps counted');
    const before = steps();
    live.addWord(LB.URGENT, 1); // a split sent to port 401, its answer not yet with the servers
    Atomics.store(i32, budgetIndex, 50);
    live.bell.ring();
    await new Promise((r) => setTimeout(r, 150));
    expect(Atomics.load(i32, budgetIndex)).toBe(50);
    expect(steps()).toBe(before);
    // Put off is not idle: the run must not look quiescent while work is pending.
    expect(live.quiescent([1])).toBe(false);
    live.addWord(LB.URGENT, -1); // the servers have the answer; no doorbell: the short re-look finds out
    await until(() => steps() === 55, 'the put-off steps taken');
    live.stop();
    expect((await done).steps).toBe(55);
    expect(i32[counterIndex]).toBe(55);
  });

  it('steps that leave nothing anyone waits for do not ring the doorbell; others ring after each hold', async () => {
    for (const quiet of [true, false]) {
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
      const at = 1024, counterIndex = 16, budgetIndex = 17;
      const i32 = new Int32Array(memory.buffer);
      const live = new LiveBlock(memory, at);
      const w = new Worker(WORKER, { workerData: { memory, at, counterIndex, budgetIndex, role: '503', quiet } });
      const done = new Promise<Stats>((res, rej) => { w.once('message', res); w.once('error', rej); });
      Atomics.store(i32, budgetIndex, 60);
      live.bell.ring();
      const rung = live.bell.generation();
      // Counted after the slice's rings, and before stop(), which rings too.
      await until(() => live.word(LB.STEPS0 + 1) === 60, '60 steps counted'); // the worker's role index: 1
      const after = live.bell.generation();
      live.stop();
      expect((await done).steps).toBe(60);
      // Quiet: only the test's own ring; otherwise at least one ring per hold.
      if (quiet) expect(after).toBe(rung);
      else expect(after).toBeGreaterThan(rung);
    }
  });
});
