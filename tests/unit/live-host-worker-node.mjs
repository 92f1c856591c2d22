// Node worker for tests/unit/live-host.test.ts: hosts one fake processor with the live
// runtime's loop. Its step does a deliberately non-atomic read-modify-write of a shared
// counter (load, sleep, store): only the step lock keeps two hosts from losing updates.
import { parentPort, workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

const { LiveBlock, hostProcessor } = await tsImport('../../src/runtime/live/processor-host.ts', import.meta.url);
const { memory, at, counterIndex, budgetIndex, role, background = false, quiet = false } = workerData;
const live = new LiveBlock(memory, at);
const i32 = new Int32Array(memory.buffer);
const nap = new Int32Array(new SharedArrayBuffer(4));
const proc = {
  actor: role,
  // A processor whose steps leave nothing others wait for (Processor.takeQuiet).
  ...(quiet ? { takeQuiet: () => true } : {}),
  next() {
    // Work exists while the shared budget is positive (taken one unit per step).
    if (Atomics.load(i32, budgetIndex) <= 0) return null;
    return {
      cost: 0,
      background,
      run() {
        Atomics.sub(i32, budgetIndex, 1);
        const v = i32[counterIndex];
        Atomics.wait(nap, 0, 0, 0.05); // widen the race window
        i32[counterIndex] = v + 1;
      },
    };
  },
};
// Node (unlike a browser worker) lets a thread exit while only Atomics.waitAsync is pending.
const keepAlive = setInterval(() => {}, 1 << 30);
const stats = await hostProcessor(proc, live, role === '501' ? 0 : 1);
clearInterval(keepAlive);
parentPort.postMessage(stats);
