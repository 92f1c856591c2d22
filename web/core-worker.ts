/**
 * The smallest worker of the live runtime's shape (docs/architecture.md#the-wasm-core): it
 * receives the compiled core and the shared memory, instantiates the module over that
 * memory, and answers through Comlink. The page uses it to prove the whole chain: module
 * worker, shared memory, Comlink, the AssemblyScript build.
 */
import { expose } from 'comlink';
import { instantiateExports, type CoreExports } from '../src/core/wasm-core.ts';

let exports: CoreExports | null = null;
let words: Int32Array | null = null;

const api = {
  /** Instantiates the core over the page's shared memory. */
  async init(module: WebAssembly.Module, memory: WebAssembly.Memory): Promise<void> {
    exports = instantiateExports(module, memory);
    words = new Int32Array(memory.buffer);
  },
  /**
   * Calls the WASM `ping` and stores its answer into shared memory word `at` with Atomics,
   * so the page can read it straight from its own view of the same memory.
   */
  ping(x: number, at: number): number {
    if (!exports || !words) throw new Error('core worker: init() first');
    const y = exports.ping(x);
    Atomics.store(words, at, y);
    return y;
  },
};

export type CoreWorkerApi = typeof api;
expose(api);
