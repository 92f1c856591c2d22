// Node worker for tests/unit/live-ring.test.ts: loads the TypeScript ring through tsx and
// plays one role on a ring in a SharedArrayBuffer the test thread laid out.
import { parentPort, workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

const { MpmcRing } = await tsImport('../../src/runtime/live/mpmc-ring.ts', import.meta.url);
const { buffer, at, role, producer, count } = workerData;
const ring = MpmcRing.attach(buffer, at);
if (role === 'producer') {
  // Record = [producer id, sequence number within that producer].
  for (let i = 0; i < count; i++) ring.push([producer, i]);
  parentPort.postMessage({ done: true });
} else {
  const got = [];
  const rec = [0, 0];
  for (let i = 0; i < count; i++) {
    if (!ring.pop(rec, 20_000)) break;
    got.push(rec[0], rec[1]);
  }
  parentPort.postMessage({ got });
}
