/**
 * The playground's files in the Origin Private File System
 * (docs/architecture.md#volumes-in-opfs): one folder holds the P-VOL 601, the S-VOL 602,
 * the tape 303 and the two metadata slots. Directory calls work on the page and in workers;
 * sync access handles (the only way to read straight into shared memory) exist only in
 * dedicated workers.
 *
 * Handles: Chromium 121+ lets several workers hold a file open with mode
 * 'readwrite-unsafe' (then the controller's own bitmaps and locks are the locking); where
 * that mode is missing, a handle locks its file, so each file is opened by exactly one
 * processor: volumes by the disk processor 508, the tape by 503 (the patent's own
 * arrangement, docs/patent.md#parts: 508 is the only processor that touches the volumes).
 */
import type { SlotStore } from './metadata-journal.ts';
import { type PlannedFile, type QuotaVerdict, checkQuota } from './quota.ts';

export const PLAYGROUND_DIR = 'splitstream-playground';
export const FILES = {
  pvol: 'pvol-601.img',
  svol: 'svol-602.img',
  tape: 'tape-303.aws',
  journal: 'cache-507.journal',
  meta: ['meta-510-a.bin', 'meta-510-b.bin'] as const,
  /** The differential 514 of a split-pending pair (differential-514-store.ts). */
  diff514: 'diff-514.bin',
} as const;

export type HandleMode = 'readwrite-unsafe' | 'readwrite';

export async function playgroundDir(): Promise<FileSystemDirectoryHandle> {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle(PLAYGROUND_DIR, { create: true });
}

/** Sizes of the files present (page or worker): used for quota growth and the UI. */
export async function listFiles(): Promise<{ name: string; bytes: number }[]> {
  const dir = await playgroundDir();
  const out: { name: string; bytes: number }[] = [];
  for await (const [name, h] of (dir as unknown as AsyncIterable<[string, FileSystemHandle]>)) {
    if (h.kind === 'file') out.push({ name, bytes: (await (h as FileSystemFileHandle).getFile()).size });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** Deletes the playground's folder with everything in it (window.splitstream.reset()). */
export async function deletePlayground(): Promise<void> {
  const root = await navigator.storage.getDirectory();
  try {
    await whileLocked(() => root.removeEntry(PLAYGROUND_DIR, { recursive: true }));
  } catch (e) {
    if ((e as DOMException).name !== 'NotFoundError') throw e;
  }
}

/**
 * Checks the plan against navigator.storage.estimate() before any write; also asks for
 * persistent storage (persist()), so the browser does not evict the volumes under pressure.
 */
export async function checkPlaygroundQuota(plan: { name: string; bytes: number }[]): Promise<QuotaVerdict & { persisted: boolean; quota: number | null; usage: number | null }> {
  const existing = new Map((await listFiles()).map((f) => [f.name, f.bytes]));
  const planned: PlannedFile[] = plan.map((f) => ({ ...f, existingBytes: existing.get(f.name) ?? 0 }));
  const est = await navigator.storage.estimate();
  let persisted = false;
  try {
    persisted = (await navigator.storage.persisted?.()) || (await navigator.storage.persist?.()) || false;
  } catch { /* persist() may be refused; the run goes on, the UI says so */ }
  return { ...checkQuota(est, planned), persisted, quota: est.quota ?? null, usage: est.usage ?? null };
}

/**
 * Opens a sync access handle, preferring 'readwrite-unsafe' when asked and available.
 * Feature detection is by trying: the option bag is ignored by browsers that predate it,
 * and then the handle's `mode` attribute is missing or says 'readwrite'.
 */
export async function openSync(name: string, wantShared: boolean): Promise<{ handle: FileSystemSyncAccessHandle; mode: HandleMode }> {
  return whileLocked(() => openSyncOnce(name, wantShared));
}

/**
 * Runs `f`, again while a file it touches is locked: right after a reload, or a run stopped
 * at once (abortLive), terminated workers may still be letting go of their handles. A lock
 * held for 3 s is reported.
 */
async function whileLocked<T>(f: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await f();
    } catch (e) {
      if ((e as DOMException).name !== 'NoModificationAllowedError' || attempt >= 30) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * A 'readwrite-unsafe' handle on a file other workers hold, or null where the browser does
 * not share (then the file stays theirs alone: no exclusive handle is ever taken here).
 */
export async function openShared(name: string): Promise<FileSystemSyncAccessHandle | null> {
  try {
    const { handle, mode } = await openSyncOnce(name, true);
    if (mode === 'readwrite-unsafe') return handle;
    handle.close();
  } catch { /* held exclusively by its processor */ }
  return null;
}

async function openSyncOnce(name: string, wantShared: boolean): Promise<{ handle: FileSystemSyncAccessHandle; mode: HandleMode }> {
  const dir = await playgroundDir();
  const file = await dir.getFileHandle(name, { create: true });
  type Opener = (o?: { mode: string }) => Promise<FileSystemSyncAccessHandle & { mode?: string }>;
  const open = (file as unknown as { createSyncAccessHandle: Opener }).createSyncAccessHandle.bind(file);
  if (wantShared) {
    try {
      const h = await open({ mode: 'readwrite-unsafe' });
      if (h.mode === 'readwrite-unsafe') return { handle: h, mode: 'readwrite-unsafe' };
      return { handle: h, mode: 'readwrite' };
    } catch { /* fall through to an exclusive handle */ }
  }
  return { handle: await open(), mode: 'readwrite' };
}

/**
 * The metadata slots as two OPFS files. A write is flushed before it returns unless
 * `flushes` was turned off ('written' durability: the flusher makes it durable later,
 * flusher.ts). A record is written over the slot in place and never grows the file once
 * clear() has reserved it: growing a file is a synchronous call to the browser process
 * (quota), which measured 1–7 ms per record on the split's ack path against 0.1 ms for an
 * overwrite.
 */
export class OpfsSlotStore implements SlotStore {
  flushes = true;
  private constructor(private readonly h: [FileSystemSyncAccessHandle, FileSystemSyncAccessHandle], readonly mode: HandleMode) {}

  /** Both slot files, for the flush rounds. */
  get handles(): readonly FileSystemSyncAccessHandle[] { return this.h; }

  /** `shared`: ask for 'readwrite-unsafe' so every processor's worker can hold the slots open. */
  static async open(shared: boolean): Promise<OpfsSlotStore> {
    const a = await openSync(FILES.meta[0], shared);
    const b = await openSync(FILES.meta[1], a.mode === 'readwrite-unsafe');
    return new OpfsSlotStore([a.handle, b.handle], b.mode);
  }

  /** Over handles already open (tests give it in-memory ones with the same methods). */
  static over(h: [FileSystemSyncAccessHandle, FileSystemSyncAccessHandle], mode: HandleMode): OpfsSlotStore {
    return new OpfsSlotStore(h, mode);
  }

  /** The slot's bytes; null when empty or still all zero from clear() (never written since). */
  read(slot: 0 | 1): Uint8Array | null {
    const h = this.h[slot];
    const n = h.getSize();
    if (n === 0) return null;
    const out = new Uint8Array(n);
    h.read(out, { at: 0 });
    return out.subarray(0, 4).every((b) => b === 0) ? null : out;
  }

  write(slot: 0 | 1, bytes: Uint8Array): void {
    const h = this.h[slot];
    // Overwrite in place: a write torn by a reload leaves new bytes over old ones (or over
    // clear()'s zeros), which the checksum rejects (metadata-journal.ts counts a damaged slot
    // as torn). An older, longer record's tail may stay behind the new one: the header's
    // lengths and the checksum delimit a record, and decodeMetadata ignores what follows.
    const n = h.write(bytes, { at: 0 });
    if (n !== bytes.length) throw new Error(`metadata write short: ${n} of ${bytes.length} bytes (quota?)`);
    if (this.flushes) h.flush();
  }

  /**
   * Forgets both records (a new run is about to rewrite the volumes from scratch) and
   * reserves `reserveBytes` of zeros in each slot, so the run's records overwrite in place.
   * Cut to empty first: a clear torn by a reload leaves an empty or zero slot, never a record.
   */
  clear(reserveBytes = 0): void {
    const zeros = new Uint8Array(reserveBytes);
    for (const h of this.h) {
      h.truncate(0);
      if (reserveBytes > 0 && h.write(zeros, { at: 0 }) !== reserveBytes) throw new Error(`metadata slot reserve short (quota?)`);
      h.flush();
    }
  }

  close(): void {
    this.h.forEach((h) => h.close());
  }
}
