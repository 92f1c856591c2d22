/**
 * The staging buffers of 515 (docs/patent.md#parts; NBUF in memory-507.ts) and the units of
 * the backup range they hold: which unit comes next at 503's prepare cursor, which buffers
 * take the next units together, and which hold the units next in order for the tape.
 * Functions over 507 that 503 (which assigns and streams) and 508 (which fills the
 * buffers a request names) share.
 *
 * Why buffers go in groups: one request to 508 for the free buffers whose units follow on
 * in LBA moves the whole span with one I/O per volume and side, and one commit writes the
 * READY units to the tape in one call (live-ctx.ts opfsTape). Chromium's OPFS costs more
 * per call than per byte (docs/live.md "Shaping the I/O for OPFS"), and per unit the
 * embodiment 3 backup took three calls. Each buffer still holds one unit, which is one
 * tape block (the transfer unit, §0028).
 */
import { B, BufState, JobKind, NBUF, SB, type Mem507 } from './memory-507.ts';

/** Word i (first block, blocks, destination kind, destination lba) of segment s in 511. */
export function segWord(m: Mem507, s: number, i: number): number { return m.b(B.SEG0 + 4 * s + i); }

/**
 * The next unit at the prepare cursor: [lba, n, segment, dest lba, offset in it]. An
 * incremental's units hold only blocks changed since the chain's base (the bitmap 507
 * keeps, differential-514.ts), and never two runs of them: the tape's catalog maps each
 * record to consecutive blocks (tape-catalog.ts).
 */
export function peekUnit(m: Mem507): [number, number, number, number, number] {
  return unitFrom(m, m.b(B.PREP_SEG), m.b(B.PREP_OFF));
}

/**
 * The blocks of a catalogued backup's first `count` units as [first LBA, count] runs, merged
 * where one unit follows on from the last: what 503 gathers for the catalog entry as it
 * streams them (channel-503.ts), computed again from 511 alone by a restarted 503 (units
 * are streamed in their order, and B.SENT_SEQ counts them).
 */
export function streamedRuns(m: Mem507, count: number): [number, number][] {
  const runs: [number, number][] = [];
  let s = 0, off = 0;
  for (let k = 0; k < count; k++) {
    const [lba, n, seg, , o] = unitFrom(m, s, off);
    const last = runs[runs.length - 1];
    if (last && last[0] + last[1] === lba) last[1] += n;
    else runs.push([lba, n]);
    s = seg;
    off = o + n;
  }
  return runs;
}

/** The unit at cursor (segment s, offset off) or the next one after it (peekUnit). */
function unitFrom(m: Mem507, s: number, off: number): [number, number, number, number, number] {
  const inc = m.b(B.KIND) === JobKind.INCREMENTAL;
  for (;;) {
    while (off >= segWord(m, s, 1)) { s++; off = 0; }
    if (!inc) break;
    const first = segWord(m, s, 0);
    const x = m.core.nextSet(m.L.bmC, first + off, first + segWord(m, s, 1));
    if (x >= 0) { off = x - first; break; }
    off = segWord(m, s, 1);
  }
  const lba = segWord(m, s, 0) + off;
  let n = Math.min(m.b(B.UNIT), segWord(m, s, 1) - off);
  if (inc) {
    const e = m.core.nextClear(m.L.bmC, lba, lba + n);
    if (e >= 0) n = e - lba;
  }
  return [lba, n, s, segWord(m, s, 3) + off, off];
}

/** An incremental's units and blocks: the changed runs of its segments, cut at the unit. */
export function incrementalUnits(m: Mem507): { units: number; blocks: number } {
  const unit = m.b(B.UNIT);
  let units = 0, blocks = 0;
  for (let s = 0; s < m.b(B.NSEG); s++) {
    const end = segWord(m, s, 0) + segWord(m, s, 1);
    for (let x = m.core.nextSet(m.L.bmC, segWord(m, s, 0), end); x >= 0; ) {
      let e = m.core.nextClear(m.L.bmC, x, end);
      if (e < 0) e = end;
      units += Math.ceil((e - x) / unit);
      blocks += e - x;
      x = e < end ? m.core.nextSet(m.L.bmC, e, end) : -1;
    }
  }
  return { units, blocks };
}

/** The next unit at the prepare cursor: [lba, n, segment, dest lba]; advances the cursor. */
export function takeUnit(m: Mem507): [number, number, number, number] {
  const [lba, n, s, dest, off] = peekUnit(m);
  m.setB(B.PREP_SEG, s);
  m.setB(B.PREP_OFF, off + n);
  m.setB(B.PREP_SEQ, m.b(B.PREP_SEQ) + 1);
  return [lba, n, s, dest];
}

/**
 * The free buffers from k0 on take the next units while they follow on in LBA and fit
 * 508's scratch area (the span 508 reads at once). Returns the mask of the buffers, the
 * span's first block and its length.
 */
export function assignGroup(m: Mem507, k0: number): [number, number, number] {
  let mask = 0, first = -1, end = -1;
  for (let k = k0; k < NBUF && m.b(B.PREP_SEQ) < m.b(B.UNITS); k++) {
    if (m.sb(k, SB.STATE) !== BufState.FREE) continue;
    const [lba, n] = peekUnit(m);
    if (mask !== 0 && (lba !== end || end + n - first > m.L.scratchBlocks)) break;
    const seq = m.b(B.PREP_SEQ);
    const [, , s, dest] = takeUnit(m);
    m.setSb(k, SB.SEQ, seq); m.setSb(k, SB.LBA, lba); m.setSb(k, SB.N, n);
    m.setSb(k, SB.SEG, s); m.setSb(k, SB.DEST, dest);
    mask |= 1 << k;
    if (first < 0) first = lba;
    end = lba + n;
  }
  return [mask, first, end - first];
}

/** The buffer in `state` holding unit `seq`, or -1. */
function holding(m: Mem507, state: number, seq: number): number {
  for (let k = 0; k < NBUF; k++) if (m.sb(k, SB.STATE) === state && m.sb(k, SB.SEQ) === seq) return k;
  return -1;
}

/**
 * The buffers in `state` whose units follow on from the earliest of them, in unit order
 * and in LBA, within 508's scratch area: a mask, 0 when none is in that state.
 */
export function chain(m: Mem507, state: number): number {
  let k = -1;
  for (let x = 0; x < NBUF; x++) {
    if (m.sb(x, SB.STATE) === state && (k < 0 || m.sb(x, SB.SEQ) < m.sb(k, SB.SEQ))) k = x;
  }
  if (k < 0) return 0;
  const first = m.sb(k, SB.LBA);
  let mask = 0;
  for (;;) {
    mask |= 1 << k;
    const end = m.sb(k, SB.LBA) + m.sb(k, SB.N);
    k = holding(m, state, m.sb(k, SB.SEQ) + 1);
    if (k < 0 || m.sb(k, SB.LBA) !== end || end + m.sb(k, SB.N) - first > m.L.scratchBlocks) return mask;
  }
}

/** The buffers of `mask` in unit order, and the span their units cover. */
export function unitsOf(m: Mem507, mask: number): { ks: number[]; lba: number; n: number } {
  const ks: number[] = [];
  for (let k = 0; k < NBUF; k++) if (mask & (1 << k)) ks.push(k);
  ks.sort((x, y) => m.sb(x, SB.SEQ) - m.sb(y, SB.SEQ));
  let n = 0;
  for (const k of ks) n += m.sb(k, SB.N);
  return { ks, lba: m.sb(ks[0], SB.LBA), n };
}

/**
 * A buffer whose unit is settled: FAILED once every unit before it went to its destination
 * (the job fails there), or WRITTEN and next in order (it is counted done). Null if none.
 */
export function settled(m: Mem507): { k: number; failed: boolean } | null {
  for (let k = 0; k < NBUF; k++) {
    const s = m.sb(k, SB.STATE);
    if (s === BufState.FAILED && m.sb(k, SB.SEQ) <= m.b(B.SENT_SEQ)) return { k, failed: true };
    if (s === BufState.WRITTEN && m.sb(k, SB.SEQ) === m.b(B.STREAM_SEQ)) return { k, failed: false };
  }
  return null;
}

/** The READY buffer holding the next unit to hand to its destination, or -1. */
export function sendable(m: Mem507): number {
  return holding(m, BufState.READY, m.b(B.SENT_SEQ));
}

/**
 * The READY buffers that hold the units next in order for the tape, in order: 503 streams
 * them in one step, and the tape device may write them in one call (commit()).
 */
export function streamable(m: Mem507): number[] {
  const run: number[] = [];
  for (let seq = m.b(B.SENT_SEQ); ; seq++) {
    const k = holding(m, BufState.READY, seq);
    if (k < 0 || segWord(m, m.sb(k, SB.SEG), 2) !== 0) return run;
    run.push(k);
  }
}
