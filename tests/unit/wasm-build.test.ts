import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The AssemblyScript core builds from source and loads in Node over a shared memory
// (docs/architecture.md#the-wasm-core: imported shared memory, no data segments).
const root = fileURLToPath(new URL('../../', import.meta.url));

describe('wasm core build', () => {
  execFileSync(process.execPath, ['wasm/build.js'], { cwd: root, stdio: 'pipe' });
  const bytes = readFileSync(`${root}wasm/build/core.wasm`);
  const module = new WebAssembly.Module(bytes);

  it('imports one shared memory and nothing else', () => {
    expect(WebAssembly.Module.imports(module)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    const wat = readFileSync(`${root}wasm/build/core.wat`, 'utf8');
    expect(wat).toMatch(/\(import "env" "memory" \(memory \$\d+ \d+ 65536 shared\)\)/);
  });

  it('has no data segments (they would be rewritten into shared memory at every instantiation)', () => {
    const wat = readFileSync(`${root}wasm/build/core.wat`, 'utf8');
    expect(wat).not.toMatch(/\(data\b/);
  });

  it('instantiates over a shared memory in Node and answers', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
    expect(memory.buffer).toBeInstanceOf(SharedArrayBuffer);
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    const ping = instance.exports.ping as (x: number) => number;
    expect(ping(41)).toBe(42);
    expect(ping(-1)).toBe(0);
  });
});
