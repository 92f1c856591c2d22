/**
 * A recovered pair claims no more than is true (docs/live.md#recovery). A
 * split-pending pair's blocks still pending in 514 had their split-instant data only on the
 * P-VOL side; the recovery replays the cache journal onto the P-VOL, which may overwrite
 * exactly those blocks with later writes. Its 514 is rebuilt from the differential's own
 * record (differential-514-store.ts, recovery-514.ts), which also says which journaled
 * writes must not be replayed; when that record cannot be trusted (absent, damaged, of
 * another split, or the journal leaves a doubt), nothing says which blocks those were, so
 * the S-VOL is no image of the split any more: the pair comes back suspended (PSUE), to be
 * resynced, never split-pending with an all-dirty 514 that the P-VOL can no longer honour.
 * A pair whose bitmaps were saved at a clean stop, or that claims no split image (duplex,
 * forming, split and complete), keeps its state: an all-dirty bitmap only makes its next
 * copy longer.
 */
import type { PairRecord } from './metadata-record.ts';

/**
 * `rebuilt`: 514 as recovery-514.ts rebuilt it, or why it could not be (the clean stop's
 * bitmaps need neither: `bitmapsTrusted`).
 */
export function honestPair(p: PairRecord, bitmapsTrusted: boolean, rebuilt?: { diff514: Uint8Array | null; reason?: string }): { pair: PairRecord; note?: string } {
  if (bitmapsTrusted || p.state517 !== 'split-pending') return { pair: p };
  if (rebuilt?.diff514) {
    return {
      pair: { ...p, diff514: rebuilt.diff514 },
      note: `pair ${p.pvol}/${p.svol} was split-pending: its differential was rebuilt from its record (the blocks still to copy), so it stays split-pending and 508 finishes the copy when the array runs again`,
    };
  }
  return {
    pair: { ...p, state516: 'suspended', state517: 'suspended', splitSeq: undefined },
    note: `pair ${p.pvol}/${p.svol} was split-pending, but its differential was not saved (${rebuilt?.reason ?? 'no record of it'}): the split-instant data of its pending blocks may be overwritten on the P-VOL, so it is suspended (resync it)`,
  };
}
