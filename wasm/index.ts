// Entry of the AssemblyScript core: re-exports every module of the hot path.
// Built by wasm/build.js into wasm/build/core.wasm (imported shared memory, stub runtime).
// Nothing here allocates; every pointer is a byte offset that TypeScript laid out
// (src/core/memory.ts, src/core/bitmap-layout.ts).

export {
  setRange, clearRange, test, count, nextSet, nextClear,
  atomicSet, atomicClear, atomicSetRange, atomicClearRange,
  scanWordsSet, scanWordsClear,
} from './bitmap';
export { copy } from './copy';
export { stagingMerge } from './merge';
export { checksum } from './checksum';

/** Smallest proof that the chain page → worker → WASM over shared memory answers. */
export function ping(x: i32): i32 {
  return x + 1;
}
