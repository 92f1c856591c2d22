/**
 * The one memory every processor shares (507, docs/architecture.md#the-wasm-core): a
 * shared WebAssembly.Memory whose maximum matches the core's build (wasm/build.js), so the
 * same compiled module can be instantiated over it in every worker.
 *
 * Memory map owned by the core (callers lay out their data at CORE_RESERVED_BYTES and above):
 *   [0, 16)                      never used: keeps pointer 0 meaning "nothing"
 *   [CRC32C_TABLES_AT, +8192)    CRC-32C slicing-by-8 tables (8 × 256 × u32), written by
 *                                TypeScript at instantiation (no data segments allowed)
 *   the rest of the first 64 KiB reserved for future core tables
 */

/** Bytes in one WebAssembly page. */
export const PAGE_BYTES = 65536;
/** Same as MAXIMUM_PAGES in wasm/build.js (a shared memory must declare its maximum). */
export const MAXIMUM_PAGES = 65536;
/** The first page belongs to the core; caller data starts here. */
export const CORE_RESERVED_BYTES = 65536;
/** Byte offset of the CRC-32C tables (see checksum-tables.ts; read by wasm/checksum.ts). */
export const CRC32C_TABLES_AT = 4096;

/** A shared memory of at least `bytes` bytes (at least one page, which the core owns). */
export function createSharedMemory(bytes: number): WebAssembly.Memory {
  const initial = Math.max(1, Math.ceil(bytes / PAGE_BYTES));
  if (initial > MAXIMUM_PAGES) throw new RangeError(`memory of ${bytes} bytes exceeds 4 GiB`);
  return new WebAssembly.Memory({ initial, maximum: MAXIMUM_PAGES, shared: true });
}

/** Grows `memory` so that it holds at least `bytes` bytes; no-op if it already does. */
export function ensureBytes(memory: WebAssembly.Memory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes <= have) return;
  const pages = Math.ceil((bytes - have) / PAGE_BYTES);
  if (have / PAGE_BYTES + pages > MAXIMUM_PAGES) {
    throw new RangeError(`memory of ${bytes} bytes exceeds 4 GiB`);
  }
  memory.grow(pages);
}
