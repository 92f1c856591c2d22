/**
 * Two-slot persistence of the metadata record (docs/live.md#durability): records
 * alternate between slot 0 and slot 1 with a rising sequence number, each written and
 * flushed before the command it describes is acknowledged. A write cut off by a reload can
 * only tear the slot being written, so the other slot still holds the last acknowledged
 * record.
 *
 * Trust rule (docs/architecture.md#volumes-in-opfs: untrusted ⇒ all dirty, never clean):
 * - the pair states come from the newest record whose checksum holds;
 * - its bitmaps are trusted only if it is CLEAN and the other slot is not a torn write
 *   (a torn slot may have been newer, so the valid one is stale);
 * - otherwise every differential and post-split bitmap counts as all dirty.
 * A CLEAN record is only ever the last one of a run (written when the array is quiet and
 * the volumes are flushed); a new run clears both slots before its first volume write, so
 * a CLEAN record never outlives the state it describes.
 */
import {
  type InFlightOp, type MetadataRecord, type PairRecord, allDirty, decodeMetadata, encodeMetadata,
} from './metadata-record.ts';

/** Where the two slots live: two OPFS files in the browser, memory in tests. */
export interface SlotStore {
  /** The slot's bytes, or null if it was never written. */
  read(slot: 0 | 1): Uint8Array | null;
  /** Replaces the slot's bytes: written to the file, and flushed unless `flushes` is false. */
  write(slot: 0 | 1, bytes: Uint8Array): void;
  /** False where a write is only written and a flusher makes it durable later (docs/live.md#durability). */
  readonly flushes?: boolean;
}

export interface Recovered {
  /** The pairs as they were; bitmaps replaced by all-dirty when untrusted. */
  pairs: PairRecord[];
  /** True when the bitmaps are exactly as persisted. */
  bitmapsTrusted: boolean;
  /** Splits and backups that a reload cut off: to be reported and offered again. */
  interrupted: InFlightOp[];
  /** Sequence of the record used (0 when none). */
  sequence: number;
  /** Plain sentences for the user: what was found and what was distrusted, and why. */
  notes: string[];
  /** The run the record belongs to, if it said. */
  run?: MetadataRecord['run'];
}

export { allDirty };

export function recoverMetadata(store: SlotStore): Recovered {
  const raw = [store.read(0), store.read(1)];
  const dec = raw.map((r) => (r === null || r.length === 0 ? null : decodeMetadata(r)));
  const notes: string[] = [];
  const valid: { slot: number; rec: MetadataRecord }[] = [];
  let torn = false;
  dec.forEach((d, slot) => {
    if (d === null) return;
    if (d.ok) valid.push({ slot, rec: d.record });
    else {
      torn = true;
      notes.push(`metadata slot ${slot} cannot be trusted (${d.reason})`);
    }
  });
  if (valid.length === 0) {
    if (torn) notes.push('no readable metadata: the pairs are unknown; recreate them');
    return { pairs: [], bitmapsTrusted: false, interrupted: [], sequence: 0, notes };
  }
  valid.sort((a, b) => seqNewer(a.rec.sequence, b.rec.sequence) ? -1 : 1);
  const rec = valid[0].rec;
  const trusted = rec.clean && !torn;
  if (!rec.clean) notes.push('metadata was written while I/O was running: differentials count as all dirty');
  else if (torn) notes.push('the newest metadata write was torn: the older record\'s differentials count as all dirty');
  const pairs = rec.pairs.map((p) => (trusted ? p : { ...p, diff514: allDirty(p.blocks), postSplit: allDirty(p.blocks) }));
  for (const op of rec.inFlight) notes.push(`${op.kind} ${op.id} was interrupted by a reload; it can be run again`);
  return { pairs, bitmapsTrusted: trusted, interrupted: rec.inFlight, sequence: rec.sequence, notes, ...(rec.run ? { run: rec.run } : {}) };
}

/** Serial-number comparison (RFC 1982) so the sequence may wrap. */
function seqNewer(a: number, b: number): boolean {
  return ((a - b) | 0) > 0;
}

/** Writes records alternately to the two slots, newest sequence last. */
export class MetadataJournal {
  private sequence: number;
  private store: SlotStore;

  constructor(store: SlotStore, lastSequence: number, private readonly checksum?: (bytes: Uint8Array) => number) {
    this.store = store;
    this.sequence = lastSequence >>> 0;
  }

  /** Persists `rec` durably; returns its sequence. The slot written is never the newest valid one. */
  commit(rec: Omit<MetadataRecord, 'sequence'>): number {
    this.sequence = (this.sequence + 1) >>> 0;
    this.store.write((this.sequence & 1) as 0 | 1, encodeMetadata({ ...rec, sequence: this.sequence }, this.checksum));
    return this.sequence;
  }
}

/** The in-memory SlotStore (tests, and the sim when it wants the same code path). */
export class MemorySlotStore implements SlotStore {
  readonly slots: (Uint8Array | null)[] = [null, null];
  read(slot: 0 | 1): Uint8Array | null {
    return this.slots[slot];
  }
  write(slot: 0 | 1, bytes: Uint8Array): void {
    this.slots[slot] = bytes.slice();
  }
}
