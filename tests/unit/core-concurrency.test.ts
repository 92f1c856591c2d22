// Concurrency (docs/architecture.md#concurrency): two Node worker_threads share one memory
// and set and clear interleaved bits of the same words a million times each, through the
// WASM core and through the reference; no update may be lost and the summary must cover
// every set bit.
import { describe, it, expect } from 'vitest';
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { Core } from '../../src/core/core-api.ts';
import { createSharedMemory, CORE_RESERVED_BYTES } from '../../src/core/memory.ts';
import { bitmapBytes, initBitmap, readHeader } from '../../src/core/bitmap-layout.ts';
import { createRefCore } from '../../src/core/reference.ts';

const N = 4096; // 128 words: small, so the two processors collide on cache lines all the time
const OPS = 1_000_000;

/**
 * Node 20 workers ignore `--import tsx` in execArgv, so the worker first registers tsx's
 * ESM hooks (its documented tsx/esm/api register()) and then imports the TypeScript file.
 */
const TSX_API = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
const WORKER = new URL('./core-concurrency.worker.ts', import.meta.url).href;
const BOOT = `import(${JSON.stringify(TSX_API)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER)}); })`;

interface Result { wrongOld: number; single: Uint8Array; ranged: Uint8Array }

function runWorker(memory: WebAssembly.Memory, kind: string, id: number, single: number, ranged: number, gate: number): Promise<Result> {
  return new Promise((resolve, reject) => {
    const w = new Worker(BOOT, { eval: true, workerData: { memory, kind, id, single, ranged, n: N, ops: OPS, gate } });
    w.once('message', (m: Result) => { resolve(m); void w.terminate(); });
    w.once('error', reject);
    w.once('exit', (code) => { if (code !== 0 && code !== 1) reject(new Error(`worker exit ${code}`)); });
  });
}

/** Bits of the bitmap at `bm` as 0/1, and lanes whose set bits lack a summary bit. */
function inspect(core: Core, bm: number): { bits: number[]; uncovered: number } {
  const h = readHeader(core.memory, bm);
  const bits = Array.from({ length: N }, (_, i) => core.test(bm, i));
  const sum = new Uint32Array(core.memory.buffer, h.summary, Math.ceil(h.lanes / 32));
  let uncovered = 0;
  for (let lane = 0; lane < h.lanes; lane++) {
    const dirty = core.count(bm, lane * 128, lane * 128 + 128) > 0;
    if (dirty && ((sum[lane >>> 5] >>> (lane & 31)) & 1) === 0) uncovered++;
  }
  return { bits, uncovered };
}

describe.each(['wasm', 'ref'])('core concurrency (%s)', (kind) => {
  it('loses no update when two workers toggle interleaved bits a million times each', async () => {
    const single = CORE_RESERVED_BYTES, ranged = single + bitmapBytes(N), gate = ranged + bitmapBytes(N);
    const memory = createSharedMemory(gate + 16);
    initBitmap(memory, single, N);
    initBitmap(memory, ranged, N);
    const [a, b] = await Promise.all([0, 1].map((id) => runWorker(memory, kind, id, single, ranged, gate)));
    // Each worker saw, in every atomic op, the previous value its own history predicts.
    expect([a.wrongOld, b.wrongOld]).toEqual([0, 0]);
    const core = createRefCore(memory);
    const s = inspect(core, single), r = inspect(core, ranged);
    const want = (x: Uint8Array, y: Uint8Array) => Array.from({ length: N }, (_, i) => x[i] | y[i]);
    expect(s.bits).toEqual(want(a.single, b.single));
    expect(r.bits).toEqual(want(a.ranged, b.ranged));
    expect([s.uncovered, r.uncovered]).toEqual([0, 0]);
    // Both workers really worked: each left about half its bits set.
    expect(s.bits.reduce((x, y) => x + y, 0)).toBeGreaterThan(N / 4);
  });
});
