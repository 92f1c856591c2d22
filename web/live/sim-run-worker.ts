/**
 * The sim runtime behind window.splitstream.run(…, {runtime: 'sim'}): the deterministic
 * sim (src/runtime/sim.ts) in a worker, so the page never blocks, over a core instantiated
 * from the page's compiled module (compiled once, docs/architecture.md#the-wasm-core).
 */
import { expose } from 'comlink';
import { CORE_RESERVED_BYTES, createSharedMemory } from '../../src/core/memory.ts';
import { instantiateCore } from '../../src/core/wasm-core.ts';
import { runScenario, type RunResult } from '../../src/runtime/sim.ts';
import type { Mode, Scenario } from '../../src/scenario/schema.ts';

const api = {
  run(module: WebAssembly.Module, scenario: Scenario, mode?: Mode): RunResult {
    const core = instantiateCore(module, createSharedMemory(CORE_RESERVED_BYTES));
    return runScenario(scenario, { core, ...(mode ? { mode } : {}) });
  },
};

export type SimRunWorkerApi = typeof api;
expose(api);
