// Block copy (cache ↔ staging area 515, docs/patent.md#parts): one bulk-memory memory.copy,
// which the engine lowers to memmove; overlapping ranges are handled.

export function copy(dst: usize, src: usize, len: i32): void {
  if (len <= 0) return;
  memory.copy(dst, src, <usize>len);
}
