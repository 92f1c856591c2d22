// Entry of the AssemblyScript core: re-exports every module of the hot path.
// Built by wasm/build.js into wasm/build/core.wasm (imported shared memory, stub runtime).

/** Smallest proof that the chain page → worker → WASM over shared memory answers. */
export function ping(x: i32): i32 {
  return x + 1;
}
