// Per-block checksum for point-in-time verification: CRC-32C (Castagnoli), the iSCSI
// digest (RFC 3720 §12.1). Chosen over xxHash64 because the contract returns a u32 (a CRC
// uses all 32 bits; a truncated 64-bit hash gives no better guarantee), because a CRC
// detects every burst error up to 32 bits (a torn or shifted block), and because its value
// can be checked against published vectors and other tools ("123456789" → E3069283h).
// Slicing-by-8 (Kounavis & Berry, Intel 2005): eight 1 KiB tables, which TypeScript writes
// at CRC32C_TABLES_AT (src/core/checksum-tables.ts) since data segments are not allowed.

/** Must equal CRC32C_TABLES_AT in src/core/memory.ts. */
const TABLES: usize = 4096;

@inline function t(k: usize, i: u32): u32 {
  return load<u32>(TABLES + (k << 10) + (<usize>(i & 0xff) << 2));
}

export function checksum(ptr: usize, len: i32): u32 {
  let crc: u32 = 0xffffffff;
  let n = len;
  while (n >= 8) {
    const lo = load<u32>(ptr) ^ crc;
    const hi = load<u32>(ptr, 4);
    crc = t(7, lo) ^ t(6, lo >>> 8) ^ t(5, lo >>> 16) ^ t(4, lo >>> 24)
      ^ t(3, hi) ^ t(2, hi >>> 8) ^ t(1, hi >>> 16) ^ t(0, hi >>> 24);
    ptr += 8;
    n -= 8;
  }
  while (n > 0) {
    crc = t(0, crc ^ load<u8>(ptr)) ^ (crc >>> 8);
    ptr++;
    n--;
  }
  return ~crc;
}
