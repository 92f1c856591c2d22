/**
 * Node-only loader of the core (CLI, unit tests, benchmarks): reads wasm/build/core.wasm
 * relative to this file (build it with `node wasm/build.js`).
 */
import { readFile } from 'node:fs/promises';
import type { Core } from './core-api.ts';
import { createRefCore } from './reference.ts';
import { instantiateCore } from './wasm-core.ts';

export const CORE_WASM_URL = new URL('../../wasm/build/core.wasm', import.meta.url);

let compiled: Promise<WebAssembly.Module> | null = null;

/** The compiled module, once per process. */
export function loadCoreModuleNode(): Promise<WebAssembly.Module> {
  compiled ??= readFile(CORE_WASM_URL).then((bytes) => WebAssembly.compile(bytes));
  return compiled;
}

export async function loadCoreNode(memory: WebAssembly.Memory): Promise<Core> {
  return instantiateCore(await loadCoreModuleNode(), memory);
}

/** The WASM core if it is built, else the TypeScript reference (same results, slower). */
export async function loadCoreOrReference(memory: WebAssembly.Memory, warn: (why: string) => void): Promise<Core> {
  try {
    return await loadCoreNode(memory);
  } catch (e) {
    warn(`WASM core unavailable (${e instanceof Error ? e.message : e}); using the reference core`);
    return createRefCore(memory);
  }
}
