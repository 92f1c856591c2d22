/**
 * Big-endian field helpers and hex, the two things every SCSI structure needs (in SPC-4
 * every multi-byte field is big-endian). Readers past the end of a buffer read zero
 * instead of throwing, because the target must answer any byte string with a result,
 * never an exception (target.ts); callers check lengths where the standard says a short
 * list is an error.
 */

export function get8(b: Uint8Array, off: number): number {
  return off < b.length ? b[off]! : 0;
}

export function get16(b: Uint8Array, off: number): number {
  return (get8(b, off) << 8) | get8(b, off + 1);
}

export function get24(b: Uint8Array, off: number): number {
  return (get8(b, off) << 16) | (get8(b, off + 1) << 8) | get8(b, off + 2);
}

export function get32(b: Uint8Array, off: number): number {
  return ((get8(b, off) << 24) >>> 0) + (get8(b, off + 1) << 16) + (get8(b, off + 2) << 8) +
    get8(b, off + 3);
}

/** 64-bit field as a bigint: an LBA(16) may exceed 2^53, and must then be out of range. */
export function get64(b: Uint8Array, off: number): bigint {
  return (BigInt(get32(b, off)) << 32n) | BigInt(get32(b, off + 4));
}

export function put16(b: Uint8Array, off: number, v: number): void {
  b[off] = (v >>> 8) & 0xff;
  b[off + 1] = v & 0xff;
}

export function put24(b: Uint8Array, off: number, v: number): void {
  b[off] = (v >>> 16) & 0xff;
  b[off + 1] = (v >>> 8) & 0xff;
  b[off + 2] = v & 0xff;
}

export function put32(b: Uint8Array, off: number, v: number): void {
  b[off] = (v >>> 24) & 0xff;
  b[off + 1] = (v >>> 16) & 0xff;
  b[off + 2] = (v >>> 8) & 0xff;
  b[off + 3] = v & 0xff;
}

export function put64(b: Uint8Array, off: number, v: bigint | number): void {
  const x = BigInt.asUintN(64, BigInt(v));
  put32(b, off, Number(x >> 32n));
  put32(b, off + 4, Number(x & 0xffffffffn));
}

/** Lower-case hex, two digits a byte, no separators (the wire's "cdb"/"data" fields). */
export function toHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

/**
 * Strict hex decode: an odd length or a non-hex character is an error (the wire answers
 * such a line with an error line rather than guessing). Whitespace is allowed between
 * bytes so humans can paste grouped dumps.
 */
export function fromHex(s: string): Uint8Array {
  const t = s.replace(/\s+/g, '');
  if (t.length % 2 !== 0) throw new SyntaxError(`hex string has odd length ${t.length}`);
  if (!/^[0-9a-fA-F]*$/.test(t)) throw new SyntaxError('hex string has a non-hex character');
  const out = new Uint8Array(t.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(t.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Truncates data-in to the CDB's allocation length (SPC-4: truncation is not an error). */
export function truncate(b: Uint8Array, allocationLength: number): Uint8Array {
  return b.length <= allocationLength ? b : b.slice(0, allocationLength);
}

/** Fixed-width ASCII field, space padded (INQUIRY vendor/product/revision). */
export function putAscii(b: Uint8Array, off: number, width: number, s: string): void {
  for (let i = 0; i < width; i++) b[off + i] = i < s.length ? s.charCodeAt(i) & 0x7f : 0x20;
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const n = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
