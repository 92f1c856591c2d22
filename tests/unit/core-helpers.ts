// Shared fixtures of the core tests: one memory per implementation, a bitmap at the same
// offset in each, and a plain boolean-array model that states the expected answers.
import fc from 'fast-check';
import type { Core } from '../../src/core/core-api.ts';
import { createSharedMemory, CORE_RESERVED_BYTES } from '../../src/core/memory.ts';
import { loadCoreNode } from '../../src/core/load-node.ts';
import { createRefCore } from '../../src/core/reference.ts';
import { bitmapBytes, initBitmap, readHeader } from '../../src/core/bitmap-layout.ts';

export const BM = CORE_RESERVED_BYTES;

export async function bothCores(bytes: number): Promise<Core[]> {
  const wasm = await loadCoreNode(createSharedMemory(bytes));
  const ref = createRefCore(createSharedMemory(bytes));
  return [wasm, ref];
}

export function init(cores: Core[], nbits: number): void {
  for (const c of cores) initBitmap(c.memory, BM, nbits);
}

/** The bitmap's bytes (header, words, summary) in `core`'s memory. */
export function bitmapImage(core: Core, nbits: number): Uint8Array {
  return new Uint8Array(core.memory.buffer, BM, bitmapBytes(nbits)).slice();
}

/** Lanes whose words hold a set bit but whose summary bit is clear (must be none). */
export function missingSummary(core: Core): number[] {
  const h = readHeader(core.memory, BM);
  const w = new Uint32Array(core.memory.buffer, h.words, h.lanes * 4);
  const s = new Uint32Array(core.memory.buffer, h.summary, Math.ceil(h.lanes / 32));
  const bad: number[] = [];
  for (let lane = 0; lane < h.lanes; lane++) {
    const dirty = (w[lane * 4] | w[lane * 4 + 1] | w[lane * 4 + 2] | w[lane * 4 + 3]) !== 0;
    if (dirty && ((s[lane >>> 5] >>> (lane & 31)) & 1) === 0) bad.push(lane);
  }
  return bad;
}

/** Bit counts that sit on and beside word, lane and 64-byte-block edges. */
export const nbitsArb = fc.oneof(
  fc.integer({ min: 0, max: 1200 }),
  fc.constantFrom(1, 31, 32, 33, 127, 128, 129, 511, 512, 513, 4095, 4096, 4097, 9000),
);

/** Positions in and just around [0, n]: word edges, the last bit, and plain random ones. */
export function posArb(n: number): fc.Arbitrary<number> {
  return fc.oneof(
    fc.integer({ min: -3, max: n + 3 }),
    fc.constantFrom(0, 1, 31, 32, 33, 127, 128, 129, n - 1, n, n + 1).filter((x) => x >= -3),
  );
}

/** A model of one bitmap: plain booleans, answers computed the obvious way. */
export class Model {
  bits: boolean[];
  constructor(public n: number) { this.bits = new Array(n).fill(false); }
  private span(a: number, b: number): [number, number] {
    return [Math.min(Math.max(a, 0), this.n), Math.min(Math.max(b, 0), this.n)];
  }
  fill(a: number, b: number, v: boolean): void {
    const [s, e] = this.span(a, b);
    for (let i = s; i < e; i++) this.bits[i] = v;
  }
  get(i: number): number { return i >= 0 && i < this.n && this.bits[i] ? 1 : 0; }
  count(a: number, b: number): number {
    const [s, e] = this.span(a, b);
    let k = 0;
    for (let i = s; i < e; i++) if (this.bits[i]) k++;
    return k;
  }
  next(a: number, b: number, v: boolean): number {
    const [s, e] = this.span(a, b);
    for (let i = s; i < e; i++) if (this.bits[i] === v) return i;
    return -1;
  }
}
