/**
 * CRC-32C slicing-by-8 tables for wasm/checksum.ts, laid out by TypeScript because the
 * core may have no data segments (docs/architecture.md#the-wasm-core). Table 0 is the
 * classic byte table of the reflected Castagnoli polynomial 82F63B78h (RFC 3720 §12.1);
 * table k maps a byte k positions further back (Kounavis & Berry's slicing-by-8).
 */
import { CRC32C_TABLES_AT } from './memory.ts';

const POLY = 0x82f63b78;

/** The 8 × 256 u32 tables, computed once per realm. */
export const CRC32C_TABLES: Uint32Array = (() => {
  const t = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[n] = c >>> 0;
  }
  for (let k = 1; k < 8; k++) {
    for (let n = 0; n < 256; n++) {
      const prev = t[(k - 1) * 256 + n];
      t[k * 256 + n] = ((prev >>> 8) ^ t[prev & 0xff]) >>> 0;
    }
  }
  return t;
})();

/**
 * Writes the tables into the core's reserved page. Every worker does this when it
 * instantiates; the bytes are identical, so concurrent writers cannot disagree.
 */
export function layoutChecksumTables(memory: WebAssembly.Memory): void {
  new Uint32Array(memory.buffer, CRC32C_TABLES_AT, CRC32C_TABLES.length).set(CRC32C_TABLES);
}
