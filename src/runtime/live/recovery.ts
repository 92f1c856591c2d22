/**
 * What the live runtime does when the page comes back after a reload, a crash of the tab or
 * a killed browser (docs/live.md#what-survives-what): read the metadata (the pairs as they
 * were; untrusted differentials count as all dirty), replay the cache journal onto the P-VOL
 * (every acknowledged write reaches the volume), flush, and write the recovered state back
 * as the new record. Splits and backups that were in flight are reported, with the run
 * needed to do them again.
 *
 * The procedure is written over plain interfaces (SlotStore, BlockDevice, journal bytes)
 * so Node tests can drive it; recovery-worker code wires it to OPFS.
 */
import type { TapeSource } from '../../devices/awstape.ts';
import type { BlockDevice } from '../../devices/block-device.ts';
import { readDiffFile, type DiffFile } from './differential-514-store.ts';
import { readJournal } from './journal-replay.ts';
import { MetadataJournal, recoverMetadata, type Recovered, type SlotStore } from './metadata-journal.ts';
import { honestPair } from './recovery-honesty.ts';
import { recover514, type Recovered514 } from './recovery-514.ts';
import { interruptedBackup, tapeEnd, type InterruptedBackup } from './recovery-tape.ts';

export interface PairView {
  pvol: string;
  svol: string;
  blocks: number;
  state516: string;
  state517: string;
  /** Bits set in 514 and in the post-split bitmap, as recovered. */
  pending: number;
  post: number;
  /** 514 rebuilt from its own record (a split-pending pair that stays split-pending). */
  diffRebuilt: boolean;
  /** The split it is in, while split-pending (507 word SPLIT_SEQ). */
  splitSeq?: number;
}

export interface RecoveryReport {
  /** False when there was nothing to recover (no metadata, no journal). */
  found: boolean;
  pairs: PairView[];
  bitmapsTrusted: boolean;
  interrupted: Recovered['interrupted'];
  /** Each interrupted backup's end as RECEIVE COPY RESULTS reports it (recovery-tape.ts). */
  backups: InterruptedBackup[];
  replayedWrites: number;
  notes: string[];
  run?: Recovered['run'];
}

export function popcount(bytes: Uint8Array): number {
  let n = 0;
  for (const b of bytes) {
    let x = b;
    while (x) { x &= x - 1; n++; }
  }
  return n;
}

export interface RecoveryIo {
  meta: SlotStore;
  /** The cache journal's bytes (empty if none). */
  journal: Uint8Array;
  /** Opens the P-VOL for the replay (called only if there is something to replay). */
  pvol(blockBytes: number): BlockDevice;
  /** Empties the journal once the replay is flushed. */
  clearJournal(): void;
  /** The differential 514's record (differential-514-store.ts), if the run kept one. */
  diff?: DiffFile;
  /** The tape's image, and how to cut it to its valid end (recovery-tape.ts). */
  tape?: { source: TapeSource; cut(end: number): void };
}

export function recover(io: RecoveryIo): RecoveryReport {
  const r = recoverMetadata(io.meta);
  const notes = [...r.notes];
  let replayed = 0;
  const j = readJournal(io.journal);
  notes.push(...j.notes);
  // A split-pending pair's 514 from its own record, and the journaled writes that must not
  // be replayed over its pending blocks (recovery-514.ts); read before the replay.
  const file = io.diff ? readDiffFile(io.diff) : { boundary: null, snapshot: null };
  const rebuilt = new Map<number, Recovered514>();
  r.pairs.forEach((p, i) => {
    if (!r.bitmapsTrusted && p.state517 === 'split-pending') rebuilt.set(i, recover514(p, file.boundary, file.snapshot, j));
  });
  const skip = new Set([...rebuilt.values()].flatMap((x) => (x.diff514 ? [...x.skip] : [])));
  const writes = j.writes.filter((w) => !skip.has(w));
  if (writes.length) {
    // Oldest first: each block ends at its newest acknowledged version (journal-replay.ts).
    const pvol = io.pvol(j.blockBytes);
    for (const w of writes) pvol.write(w.lba, w.blocks, w.data);
    pvol.flush();
    replayed = writes.length;
    notes.push(`replayed ${writes.length} journaled writes onto the P-VOL (every acknowledged write is among them)`);
  }
  if (skip.size) notes.push(`left out ${skip.size} journaled writes that waited for a copy before write (never acknowledged): they would have overwritten split-instant data`);
  if (j.cutOff) notes.push('the journal ended in a record cut off by the reload (never acknowledged)');
  if (j.found) io.clearJournal();
  // No record claims more than is true: an untrusted split-pending pair comes back suspended.
  const honest = r.pairs.map((p, i) => honestPair(p, r.bitmapsTrusted, rebuilt.get(i)));
  for (const h of honest) if (h.note) notes.push(h.note);
  // A split whose 514 was rebuilt is not interrupted: 508 carries its copy on.
  const resumed = r.interrupted.filter((op) => op.kind === 'split' && [...rebuilt.values()].some((x) => x.diff514));
  r.interrupted = r.interrupted.filter((op) => !resumed.includes(op));
  for (const op of resumed) {
    const at = notes.indexOf(`${op.kind} ${op.id} was interrupted by a reload; it can be run again`);
    if (at >= 0) notes.splice(at, 1);
  }
  r.pairs = honest.map((h) => h.pair);
  // The tape keeps its valid image; a backup cut off by the stop ends COPY ABORTED at the
  // segment it reached, its file partial (recovery-tape.ts).
  const tape = io.tape ? tapeEnd(io.tape.source) : null;
  if (io.tape && tape && tape.end < tape.size) io.tape.cut(tape.end);
  const backups = r.interrupted.filter((op) => op.kind === 'backup').map((op) => interruptedBackup(op, tape));
  notes.push(...backups.map((b) => b.note));
  if (r.pairs.length) {
    // The recovered state, the volumes flushed, becomes the newest record; the interrupted
    // operations stay listed until a new run replaces it. A rebuilt 514 stays in its own
    // record, which names the same split: a second recovery rebuilds it again.
    // It is CLEAN only if its bitmaps were trusted: all-dirty bitmaps written as CLEAN would
    // make the next recovery trust what nobody saved.
    new MetadataJournal(io.meta, r.sequence).commit({ clean: r.bitmapsTrusted, pairs: r.pairs, inFlight: r.interrupted, ...(r.run ? { run: r.run } : {}) });
  }
  return {
    found: r.pairs.length > 0 || replayed > 0 || notes.length > 0,
    pairs: r.pairs.map((p, i) => ({
      pvol: p.pvol, svol: p.svol, blocks: p.blocks, state516: p.state516, state517: p.state517,
      pending: popcount(p.diff514), post: popcount(p.postSplit), diffRebuilt: !!rebuilt.get(i)?.diff514,
      ...(p.splitSeq !== undefined ? { splitSeq: p.splitSeq } : {}),
    })),
    bitmapsTrusted: r.bitmapsTrusted,
    interrupted: r.interrupted,
    backups,
    replayedWrites: replayed,
    notes,
    ...(r.run ? { run: r.run } : {}),
  };
}
