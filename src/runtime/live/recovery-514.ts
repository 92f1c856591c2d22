/**
 * The differential 514 of a split-pending pair rebuilt after an unclean stop
 * (docs/live.md#recovery), from its record (differential-514-store.ts) and the cache
 * journal, with the point-in-time rule kept on both sides
 * (docs/patent.md#the-point-in-time-rule):
 *   - a block clear in the rebuilt 514 holds its split-instant data on the S-VOL (it was
 *     cleared only once its S-VOL write had returned);
 *   - a block set in it still holds its split-instant data on the P-VOL side once the
 *     journal is replayed: no acknowledged post-split write touched it (a write over a copied
 *     block is answered only after a snapshot without it was written), so the journal's
 *     records that are post-split and touch it were never acknowledged, and are not replayed.
 *
 * Post-split records are told by the split's boundary: ids above the last one journaled
 * before the split, or among the writes then journaled and not yet taken by 501.
 *
 * One case the records cannot settle: a pre-split write of a pending block, still dirty in
 * cache, whose journal record the writer dropped on reusing its segment because a newer
 * (post-split, untaken) record of the block existed. The writer decides what to carry out of
 * a segment on entering the one before it and overwrites it on entering it, and a record is
 * carried over (cache-journal.ts) three entries after it was written: so that loss needs the
 * writer to have entered two segments after the newer record was first written. The rebuilt
 * 514 is trusted only if every skipped write's first record (its original: originals rise in
 * write id, a carried copy keeps an older id) is in the journal with at most one segment
 * entered after it, and the journal shows all it needs to tell originals from copies (it
 * never went round, or every segment is in the replayed run). Any doubt: untrusted, and the
 * pair comes back suspended (recovery-honesty.ts).
 */
import type { Snapshot, SplitBoundary } from './differential-514-store.ts';
import type { JournalContents, ReplayedWrite } from './journal-replay.ts';
import type { PairRecord } from './metadata-record.ts';

export interface Recovered514 {
  /** The rebuilt 514, or null when it cannot be trusted (`reason` says why). */
  diff514: Uint8Array | null;
  reason?: string;
  /** Journaled writes not to replay: post-split, over a block still pending, never acknowledged. */
  skip: Set<ReplayedWrite>;
}

const NONE: Set<ReplayedWrite> = new Set();

const bit = (bm: Uint8Array, b: number) => (bm[b >> 3] >> (b & 7)) & 1;

export function recover514(pair: PairRecord, boundary: SplitBoundary | null, snapshot: Snapshot | null,
  journal: JournalContents): Recovered514 {
  const untrusted = (reason: string): Recovered514 => ({ diff514: null, reason, skip: NONE });
  if (pair.state517 !== 'split-pending') return untrusted('the pair is not split-pending');
  if (pair.splitSeq === undefined) return untrusted('its record names no split');
  if (!boundary || boundary.splitSeq !== pair.splitSeq) return untrusted(`no intact boundary of split ${pair.splitSeq}`);
  if (!snapshot || snapshot.splitSeq !== pair.splitSeq || snapshot.blocks !== pair.blocks) {
    return untrusted(`no intact snapshot of split ${pair.splitSeq}`);
  }
  const d = snapshot.bits;
  const untaken = new Set(boundary.untaken);
  const post = (w: ReplayedWrite) => w.id > boundary.lastJournaledId || untaken.has(w.id);
  const ws = journal.writes;
  const skip = new Set<ReplayedWrite>();
  for (const w of ws) {
    if (!post(w)) continue;
    for (let b = w.lba; b < w.lba + w.blocks; b++) if (b < pair.blocks && bit(d, b)) { skip.add(w); break; }
  }
  if (skip.size) {
    const lapped = ws[0].seq !== 1;
    const spans = new Set(ws.map((w) => w.segment)).size === journal.segments;
    if (lapped && !spans) return untrusted('the journal went round and does not show every segment');
    // Originals rise in id (port order); a record carried over keeps an older id.
    const entriesAfter = new Map<number, number>();
    let maxId = -Infinity, entries = 0;
    for (let i = ws.length - 1; i > 0; i--) if (ws[i].segment !== ws[i - 1].segment) entries++;
    for (let i = 0; i < ws.length; i++) {
      if (i > 0 && ws[i].segment !== ws[i - 1].segment) entries--;
      if (ws[i].id > maxId) { maxId = ws[i].id; entriesAfter.set(ws[i].id, entries); }
    }
    for (const w of skip) {
      const k = entriesAfter.get(w.id);
      // Two segments entered after it: an older record of its blocks may have been dropped.
      if (k === undefined || k > 1) return untrusted(`write ${w.id} waited for a copy before write while the journal entered ${k ?? 'many'} segments`);
    }
  }
  return { diff514: d, skip };
}
