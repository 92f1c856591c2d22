/**
 * Browser loader of the core: compiled once per realm behind a module-level promise
 * (as Squoosh loads its codecs); the page hands the Module to its workers, each of which
 * calls instantiateCore(module, sharedMemory).
 */
import wasmUrl from '../../wasm/build/core.wasm?url';

let compiled: Promise<WebAssembly.Module> | null = null;

export function loadCoreModule(): Promise<WebAssembly.Module> {
  compiled ??= (async () => {
    const res = await fetch(wasmUrl);
    if (!res.ok) throw new Error(`core.wasm: HTTP ${res.status}`);
    // compileStreaming needs the application/wasm type; fall back when a host omits it.
    if (res.headers.get('content-type')?.startsWith('application/wasm')) {
      return WebAssembly.compileStreaming(res);
    }
    return WebAssembly.compile(await res.arrayBuffer());
  })();
  return compiled;
}
