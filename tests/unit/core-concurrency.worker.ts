// One processor of the concurrency test (core-concurrency.test.ts): hammers its own bits of
// two shared bitmaps with atomic set/clear while the other worker does the same on the
// interleaved bits, and keeps a private shadow of what its bits must be.
import { parentPort, workerData } from 'node:worker_threads';
import type { Core } from '../../src/core/core-api.ts';
import { loadCoreNode } from '../../src/core/load-node.ts';
import { createRefCore } from '../../src/core/reference.ts';

interface Job { memory: WebAssembly.Memory; kind: 'wasm' | 'ref'; id: 0 | 1; single: number; ranged: number; n: number; ops: number; gate: number }
const job = workerData as Job;
const core: Core = job.kind === 'wasm' ? await loadCoreNode(job.memory) : createRefCore(job.memory);

let seed = 0x9e3779b9 ^ (job.id * 0x85ebca6b);
const rand = (k: number) => {
  seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
  return (seed >>> 0) % k;
};

// Start together: both spin on the gate so their loops overlap.
const gate = new Int32Array(job.memory.buffer, job.gate, 1);
Atomics.add(gate, 0, 1);
while (Atomics.load(gate, 0) < 2);

// Single bits: this worker owns bits with bit % 2 === id, so every word is shared.
const shadow = new Uint8Array(job.n);
let wrongOld = 0;
for (let i = 0; i < job.ops; i++) {
  const bit = 2 * rand(job.n / 2) + job.id;
  const old = shadow[bit] ? core.atomicClear(job.single, bit) : core.atomicSet(job.single, bit);
  if (old !== shadow[bit]) wrongOld++;
  shadow[bit] ^= 1;
}

// Ranges: this worker owns the 8-bit chunks with (bit >> 3) % 2 === id; a range stays in
// one chunk, so the two workers' ranges share words but never bits.
const ranged = new Uint8Array(job.n);
for (let i = 0; i < job.ops; i++) {
  const chunk = 2 * rand(job.n / 16) + job.id;
  const a = rand(8), len = 1 + rand(8 - a);
  const s = chunk * 8 + a, e = s + len;
  const set = rand(2) === 1;
  (set ? core.atomicSetRange : core.atomicClearRange)(job.ranged, s, e);
  ranged.fill(set ? 1 : 0, s, e);
}

parentPort!.postMessage({ wrongOld, single: shadow, ranged });
