/**
 * A recovered pair claims no more than is true (docs/live.md#recovery). A
 * split-pending pair's blocks still pending in 514 had their split-instant data only on the
 * P-VOL side; the recovery replays the cache journal onto the P-VOL, which may overwrite
 * exactly those blocks with later writes. When 514 itself cannot be trusted (a record
 * written while I/O ran carries no bitmaps), nothing says which blocks those were, so the
 * S-VOL is no image of the split any more: the pair comes back suspended (PSUE), to be
 * resynced, never split-pending with an all-dirty 514 that the P-VOL can no longer honour.
 * A pair whose 514 was trusted, or that claims no split image (duplex, forming, split and
 * complete), keeps its state: an all-dirty bitmap only makes its next copy longer.
 */
import type { PairRecord } from './metadata-record.ts';

export function honestPair(p: PairRecord, bitmapsTrusted: boolean): { pair: PairRecord; note?: string } {
  if (bitmapsTrusted || p.state517 !== 'split-pending') return { pair: p };
  return {
    pair: { ...p, state516: 'suspended', state517: 'suspended' },
    note: `pair ${p.pvol}/${p.svol} was split-pending, but its differential was not saved: the split-instant data of its pending blocks may be overwritten on the P-VOL, so it is suspended (resync it)`,
  };
}
