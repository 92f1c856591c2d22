/**
 * Proves the page's whole chain once at start: compile the WASM core from its own URL,
 * make a shared WebAssembly.Memory, hand both to a module worker, call a WASM function
 * there through Comlink, and read the answer back out of the shared memory.
 */
import { wrap } from 'comlink';
import { loadCoreModule } from '../src/core/load-web.ts';
import { CORE_RESERVED_BYTES, createSharedMemory } from '../src/core/memory.ts';
import type { CoreWorkerApi } from './core-worker.ts';

export interface ChainResult {
  ok: boolean;
  detail: string;
}

export async function proveChain(): Promise<ChainResult> {
  const module = await loadCoreModule();
  const memory = createSharedMemory(CORE_RESERVED_BYTES + 4096);
  const worker = new Worker(new URL('./core-worker.ts', import.meta.url), { type: 'module' });
  try {
    const core = wrap<CoreWorkerApi>(worker);
    await core.init(module, memory);
    const at = CORE_RESERVED_BYTES / 4; // the first Int32 slot above the core's own page
    const answer = await core.ping(41, at);
    const seen = Atomics.load(new Int32Array(memory.buffer), at);
    const ok = answer === 42 && seen === 42;
    return { ok, detail: ok ? 'worker WASM answered 42 through shared memory' : `unexpected answer ${answer}/${seen}` };
  } finally {
    worker.terminate();
  }
}
