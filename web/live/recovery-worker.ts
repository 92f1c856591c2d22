/**
 * Recovery after a reload, in a dedicated worker because it needs sync access handles
 * (src/runtime/live/recovery.ts): reads the metadata, replays the cache journal onto the
 * P-VOL, and reports the pairs and the interrupted operations. It also reads blocks back
 * for the page's durability check.
 */
import { expose } from 'comlink';
import { OpfsBlockDevice } from '../../src/devices/opfs-device.ts';
import { checkAckedWrites, checkSplitImage, checkTapeImage } from '../../src/runtime/live/acked-check.ts';
import { FILES, OpfsSlotStore, openSync } from '../../src/runtime/live/opfs-store.ts';
import { recover, type RecoveryReport } from '../../src/runtime/live/recovery.ts';

const api = {
  async recover(): Promise<RecoveryReport> {
    const meta = await OpfsSlotStore.open(false);
    const j = await openSync(FILES.journal, false);
    // Opened up front: the replay itself is synchronous (handles are only made async).
    const pv = await openSync(FILES.pvol, false);
    const df = await openSync(FILES.diff514, false);
    const tp = await openSync(FILES.tape, false);
    try {
      const journal = new Uint8Array(j.handle.getSize());
      j.handle.read(journal, { at: 0 });
      return recover({
        meta,
        journal,
        pvol: (blockBytes) => new OpfsBlockDevice({ name: 'pvol-601', handle: pv.handle, blockBytes }),
        clearJournal: () => { j.handle.truncate(0); j.handle.flush(); },
        diff: df.handle,
        tape: {
          source: { bytesWritten: tp.handle.getSize(), readAt: (at, into) => { tp.handle.read(into, { at }); } },
          cut: (end) => { tp.handle.truncate(end); tp.handle.flush(); },
        },
      });
    } finally {
      meta.close();
      j.handle.close();
      pv.handle.close();
      df.handle.close();
      tp.handle.close();
    }
  },
  /** Checks the P-VOL against the client's acknowledged writes (acked-check.ts). */
  async checkAcked(seed: number, blockBytes: number, acked: { id: number; lba: number; blocks: number }[]) {
    const h = await openSync(FILES.pvol, false);
    try {
      const dev = new OpfsBlockDevice({ name: 'pvol-601', handle: h.handle, blockBytes });
      const buf = new Uint8Array(blockBytes);
      return checkAckedWrites((lba) => { dev.read(lba, 1, buf); return buf; }, seed, blockBytes, acked);
    } finally {
      h.handle.close();
    }
  },
  /** Checks the S-VOL against the split-instant image (acked-check.ts): after a split completed. */
  async checkSplitImage(seed: number, blockBytes: number, blocks: number, writes: { id: number; lba: number; blocks: number; ack: number }[], splitAckAt: number) {
    const h = await openSync(FILES.svol, false);
    try {
      const dev = new OpfsBlockDevice({ name: 'svol-602', handle: h.handle, blockBytes });
      const buf = new Uint8Array(blockBytes);
      return checkSplitImage((lba) => { dev.read(lba, 1, buf); return buf; }, seed, blockBytes, blocks, writes, splitAckAt);
    } finally {
      h.handle.close();
    }
  },
  /** Checks a backup that completed before the stop: its tape file against the split-instant image. */
  async checkTapeImage(seed: number, blockBytes: number, blocks: number, writes: { id: number; lba: number; blocks: number; ack: number }[], splitAckAt: number) {
    const h = await openSync(FILES.tape, false);
    try {
      const tape = new Uint8Array(h.handle.getSize());
      h.handle.read(tape, { at: 0 });
      return checkTapeImage(tape, seed, blockBytes, blocks, writes, splitAckAt);
    } finally {
      h.handle.close();
    }
  },
};

export type RecoveryWorkerApi = typeof api;
expose(api);
