/**
 * The AssemblyScript core (wasm/index.ts) behind the Core contract (core-api.ts). The module
 * is compiled once and instantiated synchronously over the one shared memory in every worker
 * (docs/architecture.md#the-wasm-core); this file touches no DOM and no node:* module.
 */
import type { Core } from './core-api.ts';
import { layoutChecksumTables } from './checksum-tables.ts';

/**
 * The raw exports of core.wasm: every Core function (pointers and bit numbers as i32, as
 * wasm passes them), plus the page's chain check and the benchmarks' bare scans.
 */
export interface CoreExports extends Omit<Core, 'memory' | 'kind'> {
  ping(x: number): number;
  /** Flat SIMD scans over a bare word array (no header, no summary): for benchmarks. */
  scanWordsSet(words: number, from: number, limit: number): number;
  scanWordsClear(words: number, from: number, limit: number): number;
}

export function compileCore(bytes: BufferSource): Promise<WebAssembly.Module> {
  return WebAssembly.compile(bytes);
}

/** Instantiates the module over `memory` and returns its raw exports. */
export function instantiateExports(module: WebAssembly.Module, memory: WebAssembly.Memory): CoreExports {
  layoutChecksumTables(memory);
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return instance.exports as unknown as CoreExports;
}

/** The Core over `memory` (synchronous: usable in browser workers and in Node). */
export function instantiateCore(module: WebAssembly.Module, memory: WebAssembly.Memory): Core {
  const x = instantiateExports(module, memory);
  return {
    memory,
    kind: 'wasm',
    setRange: x.setRange,
    clearRange: x.clearRange,
    test: x.test,
    count: x.count,
    nextSet: x.nextSet,
    nextClear: x.nextClear,
    atomicSet: x.atomicSet,
    atomicClear: x.atomicClear,
    atomicSetRange: x.atomicSetRange,
    atomicClearRange: x.atomicClearRange,
    copy: x.copy,
    stagingMerge: x.stagingMerge,
    // wasm returns the u32 as a signed i32; the contract's checksum is unsigned.
    checksum: (ptr, len) => x.checksum(ptr, len) >>> 0,
  };
}
