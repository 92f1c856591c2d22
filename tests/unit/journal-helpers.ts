/**
 * The cache journal's file as the live runtime writes it (src/runtime/live/cache-journal.ts),
 * holding a list of writes, for the recovery tests: an in-memory file, the journal's own
 * writer, every record committed.
 */
import { CacheJournal } from '../../src/runtime/live/cache-journal.ts';
import { crc32c } from '../../src/runtime/live/metadata-record.ts';
import { MemHandle } from './mem-handle.ts';

export function journalFile(ws: readonly { id: number; lba: number; blocks: number }[], dataOf: (w: { id: number; lba: number; blocks: number }) => Uint8Array,
  g: { blocks: number; blockBytes: number; maxWriteBlocks: number }): Uint8Array {
  const file = new MemHandle();
  const buf = new Uint8Array(4096);
  const j = new CacheJournal(file, { ...g, cacheSlots: 16, minSegmentBytes: 0 },
    { buf, crc: (at, len) => crc32c(buf.subarray(at, at + len)) },
    { dirty: () => true, flushes: { request: () => 0, wait: () => {} }, flushEach: false });
  for (const w of ws) j.append(w.id, w.lba, w.blocks, dataOf(w));
  j.commit();
  return file.bytes;
}
