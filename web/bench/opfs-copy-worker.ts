/**
 * The limit the backup is measured against: the raw OPFS copy
 * throughput of this browser on this disk. Read one file and write another through
 * FileSystemSyncAccessHandle, in the backup's transfer unit, over the backup's range,
 * into shared memory as the live runtime's 508 does (src/devices/opfs-device.ts), then
 * flush the destination (the tape is flushed at the end of a backup, live-ctx.ts).
 * Runs in a dedicated worker: sync access handles exist nowhere else.
 */
export interface CopyRequest {
  /** Size of the source file (the volume). */
  volumeBytes: number;
  /** Bytes copied per repetition (the backup range), from offset 0. */
  rangeBytes: number;
  /** Bytes per read and per write (the backup's transfer unit). */
  unitBytes: number;
  reps: number;
}
/**
 * The limit of every durable answer (the split's acknowledgement above all): overwrite a
 * small record in a file and flush it, as the metadata persister does before 501 may
 * answer.
 */
export interface FlushRequest { flushBytes: number; reps: number }
export interface CopyAnswer { ms: number[]; error?: string }

const DIR = 'splitstream-bench';

/** Opens `names` as sync access handles in a scratch folder, runs `f`, then closes them and removes the folder. */
async function withFiles<T>(names: readonly string[], f: (h: FileSystemSyncAccessHandle[]) => T): Promise<T> {
  const root = await navigator.storage.getDirectory();
  const dir = await root.getDirectoryHandle(DIR, { create: true });
  const hs: FileSystemSyncAccessHandle[] = [];
  try {
    for (const n of names) hs.push(await (await dir.getFileHandle(n, { create: true })).createSyncAccessHandle());
    return f(hs);
  } finally {
    hs.forEach((h) => h.close());
    await root.removeEntry(DIR, { recursive: true });
  }
}

function copy(r: CopyRequest): Promise<number[]> {
  return withFiles(['source.img', 'dest.img'], ([src, dst]) => {
    // The source holds data (not a sparse hole), written and flushed before any timing.
    const fill = new Uint8Array(Math.min(r.volumeBytes, 1 << 20));
    let s = 0x2545f491;
    for (let i = 0; i < fill.length; i += 4) { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; fill[i] = s & 0xff; }
    src.truncate(0);
    for (let at = 0; at < r.volumeBytes; at += fill.length) src.write(fill.subarray(0, Math.min(fill.length, r.volumeBytes - at)), { at });
    src.flush();
    const buf = new Uint8Array(new SharedArrayBuffer(r.unitBytes));
    const out: number[] = [];
    for (let rep = 0; rep < r.reps; rep++) {
      dst.truncate(0);
      dst.flush();
      const t0 = performance.now();
      for (let at = 0; at < r.rangeBytes; at += r.unitBytes) {
        const view = buf.subarray(0, Math.min(r.unitBytes, r.rangeBytes - at));
        if (src.read(view, { at }) !== view.length) throw new Error(`short read at ${at}`);
        if (dst.write(view, { at }) !== view.length) throw new Error(`short write at ${at} (quota?)`);
      }
      dst.flush();
      out.push(performance.now() - t0);
    }
    return out;
  });
}

function flush(r: FlushRequest): Promise<number[]> {
  return withFiles(['record.bin'], ([h]) => {
    const rec = new Uint8Array(r.flushBytes).fill(0x5a);
    // Laid out first, as the slots are (opfs-store.ts): each timed write overwrites in place.
    h.write(rec, { at: 0 });
    h.flush();
    const out: number[] = [];
    for (let rep = 0; rep < r.reps; rep++) {
      rec[rep % rec.length] ^= 1;
      const t0 = performance.now();
      h.write(rec, { at: 0 });
      h.flush();
      out.push(performance.now() - t0);
    }
    return out;
  });
}

self.onmessage = (e: MessageEvent<CopyRequest | FlushRequest>) => {
  ('flushBytes' in e.data ? flush(e.data) : copy(e.data)).then(
    (ms) => postMessage({ ms } satisfies CopyAnswer),
    (err: unknown) => postMessage({ ms: [], error: String(err) } satisfies CopyAnswer),
  );
};
