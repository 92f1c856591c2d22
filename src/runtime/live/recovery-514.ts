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
 * (post-split, untaken) record of the block existed. That can only happen if the writer
 * entered a segment after that newer record was first written. So the rebuilt 514 is
 * trusted only if every skipped record lies, with every copy of it (a record carried over
 * keeps its write id), in the newest segment, and the journal shows it cannot have hidden
 * an earlier copy (it never went round, or every segment is in the replayed run). Any
 * doubt: untrusted, and the pair comes back suspended (recovery-honesty.ts).
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
    const newest = ws[ws.length - 1].segment;
    const lapped = ws[0].seq !== 1;
    const spans = new Set(ws.map((w) => w.segment)).size === journal.segments;
    if (lapped && !spans) return untrusted('the journal went round and does not show every segment');
    const ids = new Set([...skip].map((w) => w.id));
    for (const w of ws) {
      if (ids.has(w.id) && w.segment !== newest) return untrusted(`write ${w.id} waited for a copy before write across a segment of the journal`);
    }
  }
  return { diff514: d, skip };
}
