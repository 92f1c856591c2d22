/**
 * 508's copies of pending blocks to the S-VOL (docs/patent.md#the-flows: background, copy
 * before write and priority copies all move 514's pending blocks, §0019–0029) and the one
 * reading of a block's newest data (cache slot, else P-VOL). Functions over a Ctx, so 503's
 * worker can run them too when it serves its own requests (Ctx.serve508). Why the newest data
 * of a pending block is its split-instant version: disk-508.ts, the point-in-time rule.
 */
import { DeviceError } from '../devices/block-device.ts';
import type { Ctx } from './context.ts';

/** What one I/O call costs, in bytes moved (coalesce). */
const COALESCE_CALL_BYTES = 16 * 1024;

/**
 * Copies the pending blocks of [lba, lba+n) to the S-VOL and clears them in 514. With
 * dry = true only returns the cost it would take now. The pending runs inside one
 * scratch-sized window are read together (one P-VOL read, cache slots laid over it by
 * readCurrent: reading a clean block too is harmless). A window of many short runs is
 * merged over the S-VOL's own blocks (core stagingMerge, as 515 does for embodiment 3)
 * and written as one span (coalesce below), because a block not pending must keep its
 * S-VOL data (after a split it is the split-instant image) and rewriting it with its own
 * bytes keeps it; other windows are written run by run. Scattered client writes leave
 * runs of a block or two, and every write costs an I/O (and, in Chromium's OPFS, a
 * message to the browser process).
 */
export function copyToSvol(c: Ctx, lba: number, n: number, dry: boolean): { cost: number; copied: number } {
  const d = c.diff, end = lba + n, bb = c.m.L.blockBytes, cap = c.m.L.scratchBlocks, at = c.m.L.scratch508;
  const atS = at + cap * bb;
  let cost = 0, copied = 0;
  const runs: number[] = [];
  for (let s = n > 0 ? d.nextPending(lba, end) : -1; s >= 0; ) {
    const wEnd = Math.min(end, s + cap);
    runs.length = 0;
    for (let x = s; x >= 0; ) {
      let e = d.nextClean(x, wEnd);
      if (e < 0) e = wEnd;
      runs.push(x, e);
      x = e < wEnd ? d.nextPending(e, wEnd) : -1;
    }
    const last = runs[runs.length - 1];
    cost += readCurrent(c, s, last - s, at, dry);
    if (coalesce(runs.length / 2, (last - s) * bb) && (dry || readSvol(c, s, last - s, atS))) {
      cost += c.cost.diskRead((last - s) * bb, 1) + c.cost.cache((last - s) * bb) + c.cost.diskWrite((last - s) * bb, 1);
      if (!dry) {
        c.core.stagingMerge(d.diff, s, last - s, bb, at, atS, atS);
        c.svol.write(s, last - s, c.m.blocksAt(atS, last - s));
      }
    } else {
      // Run by run: the blocks between runs keep their S-VOL data.
      for (let i = 0; i < runs.length; i += 2) {
        const [r, e] = [runs[i], runs[i + 1]];
        cost += c.cost.diskWrite((e - r) * bb, 1);
        if (!dry) c.svol.write(r, e - r, c.m.blocksAt(at + (r - s) * bb, e - r));
      }
    }
    for (let i = 0; i < runs.length; i += 2) {
      if (!dry) d.clearDiff(runs[i], runs[i + 1] - runs[i]);
      copied += runs[i + 1] - runs[i];
    }
    s = last < end ? d.nextPending(last, end) : -1;
  }
  return { cost, copied };
}

/**
 * Reads the S-VOL side of a span to merge under; false when the read fails: the span is
 * then written run by run, which needs no S-VOL read (a block the S-VOL cannot read, a
 * media error, is rewritten by the copy instead of failing it, as a drive reassigns it).
 */
function readSvol(c: Ctx, lba: number, n: number, into: number): boolean {
  try {
    c.svol.read(lba, n, c.m.blocksAt(into, n));
    return true;
  } catch (e) {
    if (!(e instanceof DeviceError)) throw e;
    c.log('508', 'svol.read.error', undefined, { lba, n, message: e.message });
    return false;
  }
}

/**
 * Whether a window of `runs` pending runs spanning `spanBytes` is cheaper written as one
 * span (an S-VOL read and a write of the whole span) than run by run. One I/O call costs
 * about what moving 16 KiB does (OPFS in Chromium: each call is a message to the browser
 * process, while bytes move at page-cache speed; docs/live.md "Shaping the I/O for OPFS"),
 * so dense windows (random writes at 50 %) are coalesced and sparse ones (10 %) are not.
 */
function coalesce(runs: number, spanBytes: number): boolean {
  return runs >= 2 && runs * COALESCE_CALL_BYTES >= spanBytes;
}

/** The newest data of [lba, lba+n): cache slot if any, else the P-VOL; returns the cost. */
export function readCurrent(c: Ctx, lba: number, n: number, into: number, dry: boolean): number {
  const bb = c.m.L.blockBytes;
  let cost = 0, run = -1;
  const flush = (upTo: number) => {
    if (run < 0) return;
    cost += c.cost.diskRead((upTo - run) * bb, 1);
    if (!dry) c.pvol.read(run, upTo - run, c.m.blocksAt(into + (run - lba) * bb, upTo - run));
    run = -1;
  };
  for (let b = lba; b < lba + n; b++) {
    const slot = c.cache.slotOf(b);
    if (slot < 0) { if (run < 0) run = b; continue; }
    flush(b);
    cost += c.cost.cache(bb);
    if (!dry) c.core.copy(into + (b - lba) * bb, c.m.slotPtr(slot), bb);
  }
  flush(lba + n);
  return cost;
}
