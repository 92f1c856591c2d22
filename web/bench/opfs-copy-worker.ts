/**
 * The limits the live runtime is measured against, taken in the same run
 * (docs/live.md#what-the-benchmark-shows), in a dedicated worker (sync access handles
 * exist nowhere else):
 *   copy    the raw OPFS copy of a backup's range: read the source (a volume) and write a
 *           destination, then flush it. The fair one is laid out as the tape is (written as
 *           zeros and flushed before the clock starts, live-ctx.ts opfsTape) and moved in the
 *           calls the backup makes (a span of NBUF units, staging-515.ts); the one in the
 *           transfer unit into a fresh file is a figure.
 *   io      single calls, each timed: a 4 KiB write into a laid-out file (what a write's
 *           ack waits for: its journal record), a 256 KiB write, a 4 KiB read, and a flush
 *           after a 4 KiB write (what 'flush' durability adds to every ack).
 */
export interface CopyRequest {
  kind: 'copy';
  /** Size of the source file (the volume). */
  volumeBytes: number;
  /** Bytes copied per repetition (the backup range), from offset 0. */
  rangeBytes: number;
  /** Bytes per read and per write. */
  unitBytes: number;
  /** Lay the destination out (zeros, flushed) before the clock starts, as the tape is. */
  laidOut: boolean;
  reps: number;
}
/**
 * `write4kRun`: `reps` 4 KiB writes back to back, one figure for all of them (ms): the rate
 * one thread sustains while the browser's own process works for every write call on the
 * same two cores (docs/live.md "What was measured").
 */
export interface IoRequest { kind: 'io'; op: 'write4k' | 'write4kRun' | 'write256k' | 'read4k' | 'flush'; reps: number }
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

/** Fills `h` with `bytes` of data (not a sparse hole) and flushes it, before any timing. */
function fillFile(h: FileSystemSyncAccessHandle, bytes: number, zeros = false): void {
  const fill = new Uint8Array(Math.min(bytes, 1 << 20));
  let s = 0x2545f491;
  if (!zeros) for (let i = 0; i < fill.length; i += 4) { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; fill[i] = s & 0xff; }
  h.truncate(0);
  for (let at = 0; at < bytes; at += fill.length) h.write(fill.subarray(0, Math.min(fill.length, bytes - at)), { at });
  h.flush();
}

function copy(r: CopyRequest): Promise<number[]> {
  return withFiles(['source.img', 'dest.img'], ([src, dst]) => {
    fillFile(src, r.volumeBytes);
    // Shared memory, as the live runtime reads into 507 and writes the tape from it.
    const buf = new Uint8Array(new SharedArrayBuffer(r.unitBytes));
    const out: number[] = [];
    for (let rep = 0; rep < r.reps; rep++) {
      if (r.laidOut) fillFile(dst, r.rangeBytes, true);
      else { dst.truncate(0); dst.flush(); }
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

/** A file laid out before the clock starts, as the journal and the volumes are. */
const IO_FILE_BYTES = 64 << 20;

function io(r: IoRequest): Promise<number[]> {
  return withFiles(['io.bin'], ([h]) => {
    fillFile(h, IO_FILE_BYTES);
    const big = new Uint8Array(new SharedArrayBuffer(256 << 10)).fill(0x5a);
    const small = big.subarray(0, 4096);
    if (r.op === 'write4kRun') {
      const t0 = performance.now();
      for (let rep = 0; rep < r.reps; rep++) h.write(small, { at: (rep * small.length) % IO_FILE_BYTES });
      return [performance.now() - t0];
    }
    const out: number[] = [];
    for (let rep = 0; rep < r.reps; rep++) {
      // Appending through the laid-out file, as the journal does; a read from anywhere in it.
      const at = (rep * (r.op === 'write256k' ? big.length : small.length)) % IO_FILE_BYTES;
      if (r.op === 'flush') h.write(small, { at });
      const t0 = performance.now();
      if (r.op === 'write4k') h.write(small, { at });
      else if (r.op === 'write256k') h.write(big, { at });
      else if (r.op === 'read4k') h.read(small, { at: ((rep * 7919) % (IO_FILE_BYTES / 4096)) * 4096 });
      else h.flush();
      out.push(performance.now() - t0);
    }
    return out;
  });
}

self.onmessage = (e: MessageEvent<CopyRequest | IoRequest>) => {
  (e.data.kind === 'io' ? io(e.data) : copy(e.data)).then(
    (ms) => postMessage({ ms } satisfies CopyAnswer),
    (err: unknown) => postMessage({ ms: [], error: String(err) } satisfies CopyAnswer),
  );
};
