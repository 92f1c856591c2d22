// Builds the AssemblyScript core (docs/architecture.md#the-wasm-core): stub runtime, no
// allocations, imported shared memory, so every worker instantiates the one module over
// the one memory.
import asc from 'assemblyscript/asc';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
mkdirSync(`${here}build`, { recursive: true });

/** Pages of 64 KiB. The maximum bounds every memory handed to the module (4 GiB). */
export const INITIAL_PAGES = 1;
export const MAXIMUM_PAGES = 65536;

const { error, stderr } = await asc.main([
  `${here}index.ts`,
  '--outFile', `${here}build/core.wasm`,
  '--textFile', `${here}build/core.wat`,
  '--runtime', 'stub',
  '--noAssert',
  '--optimizeLevel', '3',
  '--shrinkLevel', '0',
  '--importMemory',
  '--sharedMemory',
  '--initialMemory', String(INITIAL_PAGES),
  '--maximumMemory', String(MAXIMUM_PAGES),
  '--enable', 'simd,threads',
]);
if (error) {
  console.error(stderr.toString());
  console.error('wasm build failed:', error.message);
  process.exit(1);
}
console.log('wasm: built wasm/build/core.wasm');
